package dfsim.memory;

import dfsim.core.config.Costs;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimMessage;
import dfsim.core.topology.LpLayout;
import dfsim.core.topology.Topology;

/** What the subsystems of one NUMA node's memory LP share: the node, the box, the costs, and replies to CPUs. */
final class Node {
  final int node;
  final LpLayout layout;
  final Topology topo;
  final Costs cost;

  Node(int node, LpLayout layout, Costs cost) {
    this.node = node;
    this.layout = layout;
    this.topo = layout.topology();
    this.cost = cost;
  }

  /** Sends {@code m} to CPU {@code cpu}, leaving {@code afterNs} from now. */
  void reply(int cpu, long afterNs, SimMessage m, LpContext ctx) {
    int lp = layout.cpuLp(cpu);
    ctx.send(lp, afterNs + ctx.latencyTo(lp), m);
  }
}
