package dfsim.core.topology;

import dfsim.core.sim.LinkLatency;

/**
 * Where each LP sits and its id: CPUs first (id = CPU id), then one memory LP per NUMA node,
 * then one LWKT scheduler LP per socket, then one token manager LP per socket. A message between two LPs takes at least the cache-line
 * transfer for their distance; a socket's scheduler and token manager sit on its first die.
 */
public final class LpLayout implements LinkLatency {
  private final Topology topology;
  private final int cpus;
  private final int nodes;
  private final int sockets;

  public LpLayout(Topology topology) {
    this.topology = topology;
    this.cpus = topology.cpus();
    this.nodes = topology.nodes();
    this.sockets = topology.sockets();
  }

  public Topology topology() {
    return topology;
  }

  /** Returns the number of LPs. */
  public int size() {
    return cpus + nodes + 2 * sockets;
  }

  public int cpuLp(int cpu) {
    return cpu;
  }

  public int memoryLp(int node) {
    return cpus + node;
  }

  public int schedulerLp(int socket) {
    return cpus + nodes + socket;
  }

  /** Returns the LP of the token manager of {@code socket}. */
  public int tokenManagerLp(int socket) {
    return cpus + nodes + sockets + socket;
  }

  /** Returns the token manager LP homing pool token {@code token} (index mod sockets). */
  public int tokenHomeLp(int token) {
    return tokenManagerLp(token % sockets);
  }

  /**
   * Returns the LPs of {@code socket}, in id order: its CPUs, the memory LPs of its dies with
   * memory, its scheduler and its token manager. A cluster places whole sockets on one JVM.
   */
  public int[] socketLps(int socket) {
    java.util.List<Integer> ids = new java.util.ArrayList<>();
    for (int c = 0; c < cpus; c++) {
      if (topology.socketOf(c) == socket) {
        ids.add(cpuLp(c));
      }
    }
    for (int n = 0; n < nodes; n++) {
      if (topology.dieOfNode(n) / topology.diesPerSocket() == socket) {
        ids.add(memoryLp(n));
      }
    }
    ids.add(schedulerLp(socket));
    ids.add(tokenManagerLp(socket));
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Returns the die an LP sits on. */
  public int dieOf(int lp) {
    if (lp < cpus) {
      return topology.dieOf(lp);
    }
    if (lp < cpus + nodes) {
      return topology.dieOfNode(lp - cpus);
    }
    return ((lp - cpus - nodes) % sockets) * topology.diesPerSocket();
  }

  /** Returns the distance between two LPs. */
  public Distance distance(int a, int b) {
    if (a == b) {
      return Distance.SAME;
    }
    if (a < cpus && b < cpus) {
      return topology.cpuToCpu(a, b);
    }
    return topology.dieDistance(dieOf(a), dieOf(b));
  }

  /** A die: its CPUs, memory, scheduler and token manager are equally far from every other die. */
  @Override
  public int region(int lp) {
    return dieOf(lp);
  }

  @Override
  public long between(int from, int to) {
    Distance d = distance(from, to);
    return topology.latencies().transfer(d == Distance.SAME ? Distance.SMT : d);
  }
}
