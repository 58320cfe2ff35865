package dfsim.core.metrics;

import java.util.EnumMap;
import java.util.Map;

/**
 * The results every LP adds at the end of a run: one {@link CpuMeter} per CPU, per-class
 * contention, and per-CPU counters known only elsewhere (a lock's hold time is known at its
 * home). Engines collect it; {@link MetricsReport} turns it into metrics.json.
 */
public final class RunMetrics {
  private final CpuMeter[] cpus;
  private final long[][] cpuExtras;
  private final Map<LockClass, ContentionStats> contention = new EnumMap<>(LockClass.class);
  /** Each memory node's report, by node. */
  private final java.util.SortedMap<Integer, Map<String, Object>> memory = new java.util.TreeMap<>();

  public RunMetrics(int cpus) {
    this.cpus = new CpuMeter[cpus];
    this.cpuExtras = new long[cpus][CpuCounter.values().length];
    for (LockClass c : LockClass.values()) {
      contention.put(c, new ContentionStats());
    }
  }

  /** Lets every LP of {@code lps} close its intervals at {@code endNs} and report. */
  public static RunMetrics collect(java.util.List<? extends dfsim.core.sim.LogicalProcess> lps, int cpus, long endNs) {
    RunMetrics m = new RunMetrics(cpus);
    for (dfsim.core.sim.LogicalProcess lp : lps) {
      lp.finish(endNs, m);
    }
    return m;
  }

  /** Adds a CPU's meter. */
  public void addCpu(CpuMeter m) {
    if (cpus[m.cpu()] != null) {
      throw new IllegalStateException("CPU " + m.cpu() + " reported twice");
    }
    cpus[m.cpu()] = m;
  }

  /** Adds {@code n} to a CPU's counter from an LP other than that CPU. */
  public void addToCpu(int cpu, CpuCounter c, long n) {
    cpuExtras[cpu][c.ordinal()] += n;
  }

  /** Adds a memory node's state at the end of the run. */
  public void addMemoryNode(int node, Map<String, Object> fields) {
    if (memory.put(node, fields) != null) {
      throw new IllegalStateException("memory node " + node + " reported twice");
    }
  }

  /** Returns the memory nodes' reports in node order. */
  public java.util.List<Map<String, Object>> memoryNodes() {
    return java.util.List.copyOf(memory.values());
  }

  /** Returns the stats of a lock class, to add to. */
  public ContentionStats contention(LockClass c) {
    return contention.get(c);
  }

  public int cpuCount() {
    return cpus.length;
  }

  public CpuMeter cpu(int id) {
    if (cpus[id] == null) {
      throw new IllegalStateException("CPU " + id + " did not report");
    }
    return cpus[id];
  }

  /** Returns a CPU's counter including what other LPs added. */
  public long counter(int cpu, CpuCounter c) {
    return cpu(cpu).counter(c) + cpuExtras[cpu][c.ordinal()];
  }
}
