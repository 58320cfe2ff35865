package dfsim.core.program;

import java.util.List;

/**
 * What a workload puts on the box: its kind, the name of its unit of work ("op"), its threads,
 * its VM objects, the programs its threads run, and whether those programs use operations that
 * send a message the instant they start (token gets and releases, wakeups), and how much of each
 * node's memory is taken at boot by others (uneven free memory). A CPU whose threads
 * never do can promise other LPs a longer lookahead: every send of theirs follows a trap, a
 * syscall or a context switch.
 */
public record WorkloadPlan(
    String kind,
    String opName,
    List<ThreadSpec> threads,
    List<VmObjectSpec> objects,
    ProgramFactory programs,
    boolean immediateSends,
    List<Double> nodeDrain) {

  /** A plan whose programs may use every operation and which drains no memory at boot. */
  public WorkloadPlan(String kind, String opName, List<ThreadSpec> threads, List<VmObjectSpec> objects,
      ProgramFactory programs) {
    this(kind, opName, threads, objects, programs, true, List.of());
  }

  /** A plan that drains no memory at boot. */
  public WorkloadPlan(String kind, String opName, List<ThreadSpec> threads, List<VmObjectSpec> objects,
      ProgramFactory programs, boolean immediateSends) {
    this(kind, opName, threads, objects, programs, immediateSends, List.of());
  }

  /** Returns the share of node {@code node}'s pages in use by others from boot (0 when none). */
  public double drainOf(int node) {
    return node < nodeDrain.size() ? nodeDrain.get(node) : 0;
  }

  public WorkloadPlan {
    threads = List.copyOf(threads);
    nodeDrain = List.copyOf(nodeDrain);
    objects = List.copyOf(objects);
    for (int i = 0; i < threads.size(); i++) {
      if (threads.get(i).tid() != i) {
        throw new IllegalArgumentException("thread ids must be 0..n-1 in order");
      }
    }
    for (int i = 0; i < objects.size(); i++) {
      if (objects.get(i).id() != i) {
        throw new IllegalArgumentException("object ids must be 0..n-1 in order");
      }
    }
  }

  /** Returns the number of processes: one more than the highest pid. */
  public int processes() {
    int n = 0;
    for (ThreadSpec t : threads) {
      n = Math.max(n, t.pid() + 1);
    }
    return n;
  }

  /**
   * Returns the CPUs that process {@code pid}'s threads live on, ascending: its pmap's pm_active
   * (LWKT threads stay on their CPU, so the set never changes).
   */
  public int[] pmActive(int pid) {
    return threads.stream().filter(t -> t.pid() == pid).mapToInt(ThreadSpec::cpu).distinct().sorted().toArray();
  }

  /**
   * Returns every process's pm_active, indexed by pid, in one pass over the threads (asking
   * {@link #pmActive} per process is a pass each: seconds on a 1024-CPU box whose every CPU asks).
   */
  public int[][] pmActiveAll() {
    int processes = processes();
    java.util.BitSet[] cpus = new java.util.BitSet[processes];
    for (ThreadSpec t : threads) {
      if (cpus[t.pid()] == null) {
        cpus[t.pid()] = new java.util.BitSet();
      }
      cpus[t.pid()].set(t.cpu());
    }
    int[][] out = new int[processes][];
    for (int p = 0; p < processes; p++) {
      out[p] = cpus[p] == null ? new int[0] : cpus[p].stream().toArray();
    }
    return out;
  }

  /** Returns the CPU thread {@code tid} lives on (LWKT threads stay on their CPU). */
  public int cpuOf(int tid) {
    return threads.get(tid).cpu();
  }

  /**
   * Returns the vm_map token of the process mapping {@code objectId}: the plan's MAP object (a
   * workload that makes umtx calls has one process).
   */
  public int mapTokenOf(int objectId) {
    for (VmObjectSpec o : objects) {
      if (o.kind() == VmObjectSpec.Kind.MAP) {
        return o.id();
      }
    }
    throw new IllegalStateException("workload " + kind + " has no vm_map token object");
  }

  /**
   * Returns the vm_map token of process {@code pid}: the plan's MAP object for the first process
   * if it has one, else one homed on the node of the process's first CPU.
   */
  public int mapTokenOfProcess(int pid, dfsim.core.topology.Topology topo) {
    return mapTokenOfProcess(pid, pmActive(pid), topo);
  }

  /** As {@link #mapTokenOfProcess(int, dfsim.core.topology.Topology)}, given the process's pm_active. */
  public int mapTokenOfProcess(int pid, int[] cpus, dfsim.core.topology.Topology topo) {
    if (pid == 0) {
      for (VmObjectSpec o : objects) {
        if (o.kind() == VmObjectSpec.Kind.MAP) {
          return o.id();
        }
      }
    }
    return VmObjectSpec.mapId(pid, cpus.length == 0 ? 0 : topo.nodeOf(cpus[0]));
  }

  /** Returns the node homing object {@code id}: a planned object's, a map token's, or a dynamic one's creator's. */
  public int homeOf(int objectId, dfsim.core.topology.Topology topo) {
    if (VmObjectSpec.isMap(objectId)) {
      return VmObjectSpec.mapHome(objectId);
    }
    if (objectId >= VmObjectSpec.FIRST_DYNAMIC) {
      return topo.nodeOf(VmObjectSpec.creatorCpu(objectId, topo.cpus()));
    }
    return objects.get(objectId).homeNode();
  }
}
