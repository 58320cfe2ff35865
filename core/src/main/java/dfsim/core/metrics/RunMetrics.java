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
  /** Each memory node's free pages over the trace window, by node (empty without a trace). */
  private final java.util.SortedMap<Integer, CounterTrace.Samples> freePages = new java.util.TreeMap<>();

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

  /**
   * A piece of the metrics as plain data: one CPU's meter, or (with {@code cpu} null) the
   * additive rest, so that each JVM of a cluster can ship what its LPs reported in messages of
   * bounded size and the coordinator can {@link #merge} them into the same metrics one JVM gives.
   */
  public record Part(CpuMeter.Saved cpu, Map<Integer, long[]> extras, Map<LockClass, long[]> contention,
      Map<Integer, Map<String, Object>> memory, Map<Integer, CounterTrace.Samples> freePages) {}

  /** Returns what was reported here: one part per CPU meter, then the rest. */
  public java.util.List<Part> parts() {
    java.util.List<Part> out = new java.util.ArrayList<>();
    for (CpuMeter m : cpus) {
      if (m != null) {
        out.add(new Part(m.save(), Map.of(), Map.of(), Map.of(), Map.of()));
      }
    }
    Map<Integer, long[]> extras = new java.util.TreeMap<>();
    for (int c = 0; c < cpuExtras.length; c++) {
      if (java.util.Arrays.stream(cpuExtras[c]).anyMatch(v -> v != 0)) {
        extras.put(c, cpuExtras[c].clone());
      }
    }
    Map<LockClass, long[]> locks = new EnumMap<>(LockClass.class);
    contention.forEach((c, s) -> locks.put(c, new long[] {s.acquires, s.contended, s.waitNs, s.transfers, s.holdNs}));
    out.add(new Part(null, extras, locks, new java.util.TreeMap<>(memory), new java.util.TreeMap<>(freePages)));
    return out;
  }

  /** Adds a part that another JVM's LPs reported. */
  public void merge(Part p) {
    if (p.cpu() != null) {
      addCpu(CpuMeter.restore(p.cpu()));
    }
    p.extras().forEach((c, v) -> {
      for (int i = 0; i < v.length; i++) {
        cpuExtras[c][i] += v[i];
      }
    });
    p.contention().forEach((c, v) -> {
      ContentionStats s = contention.get(c);
      s.acquires += v[0];
      s.contended += v[1];
      s.waitNs += v[2];
      s.transfers += v[3];
      s.holdNs += v[4];
    });
    p.memory().forEach(this::addMemoryNode);
    p.freePages().forEach(this::addFreePages);
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

  /** Adds a memory node's free pages over the trace window. */
  public void addFreePages(int node, CounterTrace.Samples samples) {
    if (freePages.put(node, samples) != null) {
      throw new IllegalStateException("memory node " + node + "'s free pages reported twice");
    }
  }

  /** Returns each memory node's free pages over the trace window, by node (empty without a trace). */
  public java.util.SortedMap<Integer, CounterTrace.Samples> freePages() {
    return java.util.Collections.unmodifiableSortedMap(freePages);
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
