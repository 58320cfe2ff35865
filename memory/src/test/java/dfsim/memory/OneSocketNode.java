package dfsim.memory;

import com.typesafe.config.ConfigFactory;
import dfsim.core.config.BrkSettings;
import dfsim.core.config.ConfigLoader;
import dfsim.core.config.Costs;
import dfsim.core.config.LwktSettings;
import dfsim.core.config.Settings;
import dfsim.core.config.SimSettings;
import dfsim.core.config.VmPageSettings;
import dfsim.core.kernel.VmFaultPage;
import dfsim.core.program.ThreadSpec;
import dfsim.core.program.VmObjectSpec;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.sim.ScriptedLp;
import dfsim.core.topology.LpLayout;
import dfsim.core.topology.Topology;
import java.util.List;

/**
 * Node 0 of a one-socket, four-CPU box with the default settings, alone: its {@link MemoryLp}
 * driven by a script of messages (one process, one VM object of four pages).
 */
final class OneSocketNode {
  final Topology topo;
  final LpLayout layout;
  final Costs cost;
  final LwktSettings lwkt;
  final ScriptedLp home;

  OneSocketNode() {
    Settings s = new Settings(ConfigLoader.resolve(ConfigFactory.parseString(
        "topology { sockets = 1, cores-per-socket = 4 }")));
    topo = Topology.from(s, SimSettings.from(s).lookaheadNs());
    layout = new LpLayout(topo);
    cost = Costs.from(s);
    lwkt = LwktSettings.from(s);
    WorkloadPlan plan = new WorkloadPlan("script", "op", List.of(new ThreadSpec(0, 0, 6, 0)),
        List.of(new VmObjectSpec(0, 0, 4)), null);
    home = new ScriptedLp(new MemoryLp(0, layout, cost, VmPageSettings.from(s), lwkt, BrkSettings.from(s),
        10_000_000L, VmFaultPage.of(false), plan));
  }
}
