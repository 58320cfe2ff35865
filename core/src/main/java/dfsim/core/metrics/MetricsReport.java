package dfsim.core.metrics;

import dfsim.core.topology.Topology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Builds metrics.json (docs/reference.md, Outputs) from a run's {@link RunMetrics}: {@code run}, {@code cpus},
 * {@code totals}, {@code contention}, {@code memory} (per node: free pages at the end,
 * vm_page_hash size), {@code workload}, {@code series}. CPU times and counters
 * cover the whole run [0, end); {@code workload} rates and op latencies cover the measured window
 * [warm-up, end).
 */
public final class MetricsReport {
  /** The sections the digest covers, in file order. */
  public static final List<String> DIGESTED = List.of("cpus", "totals", "contention", "memory", "workload", "series");

  private final Map<String, Object> root = new LinkedHashMap<>();
  private final String digest;
  /** Each CPU's kernel profile (folded stack to ns), by CPU id; empty without one. Not digested. */
  private final Map<Integer, Map<String, Long>> profile = new java.util.TreeMap<>();
  /** Each CPU's timeline, by CPU id; empty without one. Not digested. */
  private final Map<Integer, KernelProfile.Timeline> timeline = new java.util.TreeMap<>();
  /** Each memory node's free pages over the trace window, by node; empty without one. Not digested. */
  private final Map<Integer, CounterTrace.Samples> freePages = new java.util.TreeMap<>();

  private MetricsReport(Map<String, Object> root, String digest) {
    this.root.putAll(root);
    this.digest = digest;
  }

  /** Returns the report a metrics.json tree holds (one written on another node of a cluster). */
  @SuppressWarnings("unchecked")
  public static MetricsReport of(Map<String, Object> tree) {
    return new MetricsReport(tree, (String) ((Map<String, Object>) tree.get("run")).get("digest"));
  }

  /** Returns the report a metrics.json tree holds, with each CPU's kernel profile. */
  public static MetricsReport of(Map<String, Object> tree, Map<Integer, Map<String, Long>> profile) {
    MetricsReport r = of(tree);
    r.profile.putAll(profile);
    return r;
  }

  /** Returns the tree to write as metrics.json. */
  public Map<String, Object> tree() {
    return root;
  }

  /**
   * Each CPU's kernel profile: folded stacks ({@code trap;vm_fault;pmap_enter}) and their
   * nanoseconds, by CPU id; empty when the run kept none ({@code metrics.profile = off}) or the
   * report was read back from metrics.json.
   */
  public Map<Integer, Map<String, Long>> profile() {
    return profile;
  }

  /** Each CPU's timeline ({@code metrics.trace}), by CPU id; empty without one. */
  public Map<Integer, KernelProfile.Timeline> timeline() {
    return timeline;
  }

  /** Each memory node's free pages over the trace window, by node; empty without one. */
  public Map<Integer, CounterTrace.Samples> freePages() {
    return freePages;
  }

  /** Returns the result digest. */
  public String digest() {
    return digest;
  }

  /** Returns the events the run delivered ({@code run.events}). */
  public long events() {
    return ((Number) ((Map<?, ?>) root.get("run")).get("events")).longValue();
  }

  /** Returns the engine's synchronisation windows ({@code run.windows}; 0 for the sequential engine). */
  public long windows() {
    return ((Number) ((Map<?, ?>) root.get("run")).get("windows")).longValue();
  }

  /** Returns the per-CPU rows (scalar fields and flattened percentiles) for cpus.csv. */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> csvRows() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> cpu : (List<Map<String, Object>>) root.get("cpus")) {
      Map<String, Object> row = new LinkedHashMap<>();
      cpu.forEach((k, v) -> {
        if (v instanceof Map<?, ?> pct) {
          pct.forEach((p, x) -> row.put(k + "_" + p, x));
        } else {
          row.put(k, v);
        }
      });
      rows.add(row);
    }
    return rows;
  }

  /** Builds the report. */
  public static MetricsReport build(RunInfo run, RunMetrics m, Topology topo, String workloadKind,
      String opName) {
    Map<String, Object> results = new LinkedHashMap<>();
    List<Map<String, Object>> cpus = new ArrayList<>();
    Map<String, Object> totals = new LinkedHashMap<>();
    Histogram[] merged = new Histogram[Latency.values().length];
    for (int i = 0; i < merged.length; i++) {
      merged[i] = Histograms.create();
    }
    for (int c = 0; c < m.cpuCount(); c++) {
      CpuMeter meter = m.cpu(c);
      Map<String, Object> cpu = new LinkedHashMap<>();
      cpu.put("id", c);
      cpu.put("socket", topo.socketOf(c));
      cpu.put("die", topo.dieOf(c));
      cpu.put("core", topo.coreOf(c));
      cpu.put("thread", topo.threadOf(c));
      cpu.put("node", topo.nodeOf(c));
      cpu.put("busy_ns", meter.stateNs(CpuState.BUSY));
      cpu.put("idle_ns", meter.stateNs(CpuState.IDLE));
      cpu.put("spin_ns", meter.stateNs(CpuState.SPIN));
      for (CpuCounter k : CpuCounter.values()) {
        cpu.put(k.json(), m.counter(c, k));
      }
      for (Latency l : Latency.values()) {
        cpu.put(l.json(), Histograms.percentiles(meter.latency(l)));
        merged[l.ordinal()].add(meter.latency(l));
      }
      cpus.add(cpu);
      for (Map.Entry<String, Object> e : cpu.entrySet()) {
        if (e.getValue() instanceof Long v) {
          totals.merge(e.getKey(), v, (a, b) -> (Long) a + (Long) b);
        }
      }
    }
    totals.put("cpus", m.cpuCount());
    for (Latency l : Latency.values()) {
      totals.put(l.json(), Histograms.percentiles(merged[l.ordinal()]));
    }
    results.put("cpus", cpus);
    results.put("totals", totals);
    results.put("contention", contention(m));
    results.put("memory", m.memoryNodes());
    results.put("workload", workload(run, m, workloadKind, opName));
    results.put("series", series(m, run.simulatedNs()));
    String digest = Digest.of(results);

    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("config", run.config());
    r.put("seed", run.seed());
    r.put("engine", run.engine());
    r.put("nodes", run.nodes());
    r.put("threads", run.threads());
    r.put("version", run.version());
    r.put("complete", run.complete());
    r.put("simulated_ns", run.simulatedNs());
    r.put("warmup_ns", run.warmupNs());
    r.put("events", run.events());
    r.put("windows", run.windows());
    r.put("rounds", run.rounds());
    r.put("join_ms", run.joinMs());
    r.put("wall_ms", run.wallMs());
    r.put("digest", digest);
    root.put("run", r);
    root.putAll(results);
    MetricsReport report = new MetricsReport(root, digest);
    for (int c = 0; c < m.cpuCount(); c++) {
      Map<String, Long> folded = m.cpu(c).profileFolded();
      if (folded != null) {
        report.profile.put(c, folded);
      }
      KernelProfile.Timeline t = m.cpu(c).timeline();
      if (t != null) {
        report.timeline.put(c, t);
      }
    }
    report.freePages.putAll(m.freePages());
    return report;
  }

  private static Map<String, Object> contention(RunMetrics m) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (LockClass c : LockClass.values()) {
      ContentionStats s = m.contention(c);
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("acquires", s.acquires);
      x.put("contended", s.contended);
      x.put("wait_ns", s.waitNs);
      x.put("transfers", s.transfers);
      x.put("hold_ns", s.holdNs);
      out.put(c.json(), x);
    }
    return out;
  }

  private static Map<String, Object> workload(RunInfo run, RunMetrics m, String kind, String opName) {
    Map<String, OpStats> ops = new java.util.TreeMap<>();
    Map<String, Object> measured = new LinkedHashMap<>();
    long window = run.simulatedNs() - run.warmupNs();
    measured.put("window_ns", window);
    for (CpuState s : CpuState.values()) {
      long sum = 0;
      for (int c = 0; c < m.cpuCount(); c++) {
        sum += m.cpu(c).measuredStateNs(s);
      }
      measured.put(s.name().toLowerCase() + "_ns", sum);
    }
    for (CpuCounter k : CpuCounter.values()) {
      if (k == CpuCounter.LOCK_HOLD_NS) {
        continue; // known only at the locks' homes, for the whole run
      }
      long sum = 0;
      for (int c = 0; c < m.cpuCount(); c++) {
        sum += m.cpu(c).measuredCounter(k);
      }
      measured.put(k.json(), sum);
    }
    for (int c = 0; c < m.cpuCount(); c++) {
      m.cpu(c).ops().forEach((name, s) -> ops.computeIfAbsent(name, k -> new OpStats()).add(s));
    }
    OpStats unit = ops.getOrDefault(opName, new OpStats());
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("kind", kind);
    w.put("op", opName);
    w.put("ops_completed", unit.count());
    w.put("ops_per_sim_second", window <= 0 ? 0.0 : unit.count() * 1e9 / window);
    w.put("mean_op_latency_ns", unit.meanNs());
    w.put("p99_op_latency_ns", unit.count() == 0 ? 0 : unit.latency().getValueAtPercentile(99));
    Map<String, Object> perOp = new LinkedHashMap<>();
    ops.forEach((name, s) -> {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("count", s.count());
      o.put("mean_latency_ns", s.meanNs());
      o.put("latency_ns", Histograms.percentiles(s.latency()));
      perOp.put(name, o);
    });
    w.put("ops", perOp);
    w.put("measured", measured);
    return w;
  }

  private static Map<String, Object> series(RunMetrics m, long endNs) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Map<String, Object>> cpus = new ArrayList<>();
    long interval = 0;
    for (int c = 0; c < m.cpuCount(); c++) {
      CpuMeter meter = m.cpu(c);
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("id", c);
      s.put("busy_ns", meter.stateSeries(CpuState.BUSY));
      s.put("spin_ns", meter.stateSeries(CpuState.SPIN));
      s.put("idle_ns", meter.stateSeries(CpuState.IDLE));
      for (int i = 0; i < CpuMeter.SERIES_COUNTERS.length; i++) {
        s.put(CpuMeter.SERIES_COUNTERS[i], meter.counterSeries(i));
      }
      cpus.add(s);
      interval = meter.intervalNs();
    }
    out.put("interval_ns", interval);
    out.put("samples", cpus.isEmpty() ? 0 : ((long[]) cpus.get(0).get("busy_ns")).length);
    out.put("cpus", cpus);
    return out;
  }
}
