package dfsim.app;

import dfsim.core.metrics.MetricsReport;
import dfsim.core.sim.BareLoop;
import dfsim.core.sim.Progress;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dfsim bench}: the speed of the engines, measured in one process with repetitions
 * interleaved (so machine noise hits all alike), medians of at least 5, and their ratios:
 * <ul>
 *   <li>simulated events per wall second on conf/default.conf of the bare loop (the model's own
 *       events replayed through the same queue with empty handlers: the limit), the sequential
 *       engine, and the actor engine with 1 and 2 dispatcher threads (whole {@code engine.run},
 *       actor-system start and stop included; every run must give the same digest);</li>
 *   <li>wall time per simulated event as the box grows from 16 to 1024 CPUs;</li>
 *   <li>the wall time of an experiment's runs one after another and in parallel;</li>
 *   <li>the 1024-CPU box with 4 GiB per node run in a JVM of its own with -Xmx2g, and page state
 *       per simulated page; the peak heap of the bench itself.</li>
 * </ul>
 * Everything goes to bench.json; the last line printed is the actor/sequential ratio.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measures engine speed, scaling and parallel experiments; writes bench.json.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "fewer rounds and shorter runs (a few minutes)")
  boolean quick;

  @Option(names = "--rounds", paramLabel = "N",
      description = "measured rounds of every section (default: 11 engines, 7 boxes, 5 experiment; 5, 5, 3 with --quick)")
  Integer rounds;

  /** The measured rounds of a section: --rounds, else its quick or full default. */
  private int rounds(int quickDefault, int fullDefault) {
    return rounds != null ? rounds : quick ? quickDefault : fullDefault;
  }

  @Option(names = "--out", description = "output directory (default: out/bench/)")
  Path out;

  /** The engines compared on conf/default.conf: label, CLI name, dispatcher threads. */
  private static final String[][] ENGINES = {{"sequential", "sequential", "1"}, {"actors-1", "actors", "1"},
      {"actors-2", "actors", "2"}};

  /** The scaling boxes: sockets x cores per socket, and the simulated time each runs. */
  private static final int[][] BOXES = {{2, 8}, {2, 32}, {4, 64}, {16, 64}};
  private static final String[] BOX_END_TIME = {"10ms", "2500us", "1800us", "6ms"};
  private static final String[] BOX_END_TIME_ACTORS = {"4ms", "1ms", "500us", "1500us"};

  /** The experiment whose runs are timed one after another and in parallel. */
  private static final String EXPERIMENT = "conf/experiments/zone-pcpu.conf";

  private final List<Path> temporaries = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (rounds != null && (rounds < 1 || rounds > 100)) {
      throw new dfsim.core.config.BadInputException("--rounds " + rounds + ": must be 1..100");
    }
    Path dir = out != null ? out : Path.of("out", "bench");
    // bench.json is the machine's latest measurement: written over, never refused.
    OutputDir.claim(dir, "bench.json", "", true);
    Interrupts.onInterrupt(() -> "bench interrupted; nothing written to " + dir);
    Runnable unregister = Interrupts.addCleanup(this::deleteTemporaries);
    try {
      return measure(dir);
    } finally {
      deleteTemporaries();
      unregister.run();
    }
  }

  /** Runs every measurement and writes bench.json. */
  private int measure(Path dir) throws Exception {
    resetPeaks();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("cores", Runtime.getRuntime().availableProcessors());
    json.put("java", System.getProperty("java.version"));
    json.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
    json.put("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
    json.put("quick", quick);

    double actorRatio = engines(json);
    json.put("scaling", scaling());
    json.put("experiment", experiment());
    json.put("box_1024", box1024());
    json.put("page_state_bytes_per_page", round2(pageStateBytesPerPage()));
    // The largest page state: vm_fault_quick on, with one vm_page_hash slot per page.
    json.put("page_state_bytes_per_page_direct_hash", round2(pageStateBytesPerPage(
        List.of("kernel.vm-fault.quick=on", "kernel.vm-page.hash=direct"))));
    json.put("peak_heap_mb", peakHeapBytes() >> 20);

    Outputs.prepare(dir);
    Outputs.writeJson(dir.resolve("bench.json"), json);
    System.out.printf(Locale.ROOT, "page state: %.2f bytes per simulated page (%.2f with the direct-mapped vm_page_hash)%n",
        json.get("page_state_bytes_per_page"), json.get("page_state_bytes_per_page_direct_hash"));
    System.out.printf(Locale.ROOT, "peak heap of the bench: %d MiB%n", json.get("peak_heap_mb"));
    System.out.println("bench: " + dir.resolve("bench.json"));
    // The ratio of the actor engine as `run` uses it by default (its default --threads).
    System.out.printf(Locale.ROOT, "actors/sequential events-per-second ratio: %.2f%n", actorRatio);
    return Main.OK;
  }

  /** Bare loop and engines on conf/default.conf; returns the actors(1)/sequential ratio. */
  private double engines(Map<String, Object> json) {
    int warmup = quick ? 2 : 3;
    int rounds = rounds(5, 11);
    BareLoop bare = BareLoop.record(Simulation.prepare(null, List.of(), null).built().model());
    String digest = null;
    long events = 0;
    int n = ENGINES.length + 1;
    double[][] eps = new double[n][rounds];
    long[][] wallMs = new long[n][rounds];
    for (int round = -warmup; round < rounds; round++) {
      long t0 = System.nanoTime();
      long bareEvents = bare.run();
      record(eps, wallMs, 0, round, bareEvents, System.nanoTime() - t0, "bare-loop");
      for (int e = 0; e < ENGINES.length; e++) {
        Timed run = timed(Simulation.prepare(null, List.of(), null), ENGINES[e][1], Integer.parseInt(ENGINES[e][2]));
        MetricsReport r = run.report();
        long ns = run.ns();
        if (digest == null) {
          digest = r.digest();
        } else if (!digest.equals(r.digest())) {
          throw new IllegalStateException("engines disagree: " + ENGINES[e][0] + " gave " + r.digest() + ", not " + digest);
        }
        events = r.events();
        if (bareEvents != events) {
          throw new IllegalStateException("the bare loop replayed " + bareEvents + " events, the engine ran " + events);
        }
        record(eps, wallMs, e + 1, round, events, ns, ENGINES[e][0]);
      }
    }
    json.put("config", "conf/default.conf");
    json.put("events_per_run", events);
    json.put("digest", digest);
    json.put("warmup_rounds", warmup);
    json.put("rounds", rounds);
    Map<String, Object> engines = new LinkedHashMap<>();
    double[] median = new double[n];
    for (int e = 0; e < n; e++) {
      median[e] = median(eps[e]);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("engine", e == 0 ? "bare-loop" : ENGINES[e - 1][1]);
      m.put("threads", e == 0 ? 1 : Integer.parseInt(ENGINES[e - 1][2]));
      m.put("median_events_per_second", Math.round(median[e]));
      m.put("events_per_second", Arrays.stream(eps[e]).mapToLong(Math::round).boxed().toList());
      m.put("wall_ms", Arrays.stream(wallMs[e]).boxed().toList());
      engines.put(e == 0 ? "bare-loop" : ENGINES[e - 1][0], m);
    }
    json.put("engines", engines);
    Map<String, Object> ratios = new LinkedHashMap<>();
    ratios.put("sequential/bare-loop", round2(median[1] / median[0]));
    ratios.put("actors-1/sequential", round2(median[2] / median[1]));
    ratios.put("actors-2/sequential", round2(median[3] / median[1]));
    ratios.put("actors-2/actors-1", round2(median[3] / median[2]));
    json.put("ratios", ratios);
    System.out.printf(Locale.ROOT, "median events/s: bare loop %,.0f, sequential %,.0f, actors(1 thread) %,.0f, "
        + "actors(2 threads) %,.0f%n", median[0], median[1], median[2], median[3]);
    System.out.printf(Locale.ROOT, "sequential/bare-loop: %.2f%n", median[1] / median[0]);
    return median[2] / median[1];
  }

  private static void record(double[][] eps, long[][] wallMs, int e, int round, long events, long ns, String label) {
    if (round >= 0) {
      eps[e][round] = events / (ns / 1e9);
      wallMs[e][round] = ns / 1_000_000;
    }
    System.out.printf(Locale.ROOT, "%s round %d: %.2f s, %,.0f events/s%n", label, round, ns / 1e9, events / (ns / 1e9));
  }

  /**
   * Wall time per simulated event on boxes of 16 to 1024 CPUs: one single-threaded process per
   * CPU faulting on its own memory (so the work grows with the box), 4 GiB per node. The
   * sequential engine runs each box once to warm up, then the boxes in interleaved rounds; the
   * actor engine (1 thread) runs each box once, shorter, as it is much slower on big boxes.
   */
  private Map<String, Object> scaling() {
    int rounds = rounds(5, 7);
    long[][] ns = new long[BOXES.length][rounds];
    long[][] reportNs = new long[BOXES.length][rounds];
    double[][] late = new double[BOXES.length][rounds];
    long[] events = new long[BOXES.length];
    for (int round = -1; round < rounds; round++) {
      for (int b = 0; b < BOXES.length; b++) {
        Timed run = timedBox(b, BOX_END_TIME[b], "sequential");
        long t = run.ns();
        events[b] = run.report().events();
        if (round >= 0) {
          ns[b][round] = t;
          reportNs[b][round] = run.reportNs();
          late[b][round] = run.lateNsPerEvent();
        }
        System.out.printf(Locale.ROOT, "scaling %d CPUs, sequential, round %d: %.2f s, %,d events, %.0f ns/event"
            + " (second half %.0f); report %.0f ms%n", cpus(b), round, t / 1e9, events[b], (double) t / events[b],
            run.lateNsPerEvent(), run.reportNs() / 1e6);
      }
    }
    List<Map<String, Object>> points = new ArrayList<>();
    double[] seqPerEvent = new double[BOXES.length];
    double[] seqLate = new double[BOXES.length];
    double[] actPerEvent = new double[BOXES.length];
    double[] actLate = new double[BOXES.length];
    for (int b = 0; b < BOXES.length; b++) {
      seqPerEvent[b] = median(Arrays.stream(ns[b]).asDoubleStream().toArray()) / events[b];
      seqLate[b] = median(late[b]);
      Map<String, Object> p = point(b, "sequential", BOX_END_TIME[b], events[b], seqPerEvent[b], seqLate[b],
          Arrays.stream(ns[b]).map(x -> x / 1_000_000).boxed().toList());
      p.put("report_ms", Math.round(median(Arrays.stream(reportNs[b]).asDoubleStream().toArray()) / 1e6));
      points.add(p);
    }
    for (int b = 0; b < BOXES.length; b++) {
      Timed run = timedBox(b, BOX_END_TIME_ACTORS[b], "actors");
      long t = run.ns();
      long n = run.report().events();
      actPerEvent[b] = (double) t / n;
      actLate[b] = run.lateNsPerEvent();
      points.add(point(b, "actors-1", BOX_END_TIME_ACTORS[b], n, actPerEvent[b], actLate[b], List.of(t / 1_000_000)));
      System.out.printf(Locale.ROOT, "scaling %d CPUs, actors(1 thread): %.2f s, %,d events, %.0f ns/event"
          + " (second half %.0f)%n", cpus(b), t / 1e9, n, actPerEvent[b], actLate[b]);
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("workload", "fault-storm, object = private, one single-threaded process per CPU, 4 GiB per node");
    s.put("rounds_sequential", rounds);
    s.put("points", points);
    int last = BOXES.length - 1;
    Map<String, Object> growth = new LinkedHashMap<>();
    growth.put("sequential", round2(seqPerEvent[last] / seqPerEvent[0]));
    growth.put("actors-1", round2(actPerEvent[last] / actPerEvent[0]));
    s.put("ns_per_event_growth_16_to_1024", growth);
    Map<String, Object> lateGrowth = new LinkedHashMap<>();
    lateGrowth.put("sequential", round2(seqLate[last] / seqLate[0]));
    lateGrowth.put("actors-1", round2(actLate[last] / actLate[0]));
    s.put("second_half_ns_per_event_growth_16_to_1024", lateGrowth);
    System.out.printf(Locale.ROOT, "wall time per event, 1024 vs 16 CPUs: sequential %.2fx, actors(1 thread) %.2fx;"
        + " second half of the run: sequential %.2fx, actors(1 thread) %.2fx%n",
        seqPerEvent[last] / seqPerEvent[0], actPerEvent[last] / actPerEvent[0],
        seqLate[last] / seqLate[0], actLate[last] / actLate[0]);
    s.put("engines_1024", bigBoxEngines());
    return s;
  }

  /**
   * The engines on the 1024-CPU box in interleaved rounds after a warm-up round: each engine's median wall time, its windows and events per window, and the ratios.
   */
  private Map<String, Object> bigBoxEngines() {
    int rounds = rounds(1, 3);
    int last = BOXES.length - 1;
    long[][] ns = new long[ENGINES.length][rounds];
    long[] windows = new long[ENGINES.length];
    long events = 0;
    for (int round = -1; round < rounds; round++) {
      for (int e = 0; e < ENGINES.length; e++) {
        // A model runs once: each run builds the box anew.
        Simulation sim = Simulation.prepare(null, boxOverrides(last, BOX_END_TIME_ACTORS[last]), null);
        System.gc();
        Timed run = timed(sim, ENGINES[e][1], Integer.parseInt(ENGINES[e][2]));
        events = run.report().events();
        windows[e] = run.report().windows();
        if (round >= 0) {
          ns[e][round] = run.ns();
        }
        System.out.printf(Locale.ROOT, "1024 CPUs, %s, round %d: %.2f s, %,d events, %,d windows%n",
            ENGINES[e][0], round, run.ns() / 1e9, events, windows[e]);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("end_time", BOX_END_TIME_ACTORS[last]);
    out.put("events", events);
    double[] median = new double[ENGINES.length];
    for (int e = 0; e < ENGINES.length; e++) {
      median[e] = median(Arrays.stream(ns[e]).asDoubleStream().toArray());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("wall_ms", Arrays.stream(ns[e]).map(x -> x / 1_000_000).boxed().toList());
      m.put("windows", windows[e]);
      m.put("events_per_window", windows[e] == 0 ? null : round2((double) events / windows[e]));
      out.put(ENGINES[e][0], m);
    }
    Map<String, Object> ratios = new LinkedHashMap<>();
    ratios.put("actors-1/sequential", round2(median[0] / median[1]));
    ratios.put("actors-2/actors-1", round2(median[1] / median[2]));
    out.put("ratios", ratios);
    System.out.printf(Locale.ROOT, "1024 CPUs: %.2f events per window; actors(1)/sequential %.2f,"
        + " actors(2)/actors(1) %.2f%n", (double) events / windows[1], median[0] / median[1], median[1] / median[2]);
    return out;
  }

  /**
   * One timed {@code engine.run} and its report. {@code ns} runs from the engine's start to its
   * end, which leaves out the report built after it ({@code reportNs}: per-CPU histograms and the
   * digest, a cost per CPU, not per event); {@code lateNs} and {@code lateEvents} cover the second
   * half of the simulated time only (from the engine's first progress update past it), which
   * leaves out the start: LP start-up, first touches of a freshly built box, JIT.
   */
  private record Timed(long ns, long reportNs, MetricsReport report, long lateNs, long lateEvents) {
    double lateNsPerEvent() {
      return lateEvents > 0 ? (double) lateNs / lateEvents : Double.NaN;
    }
  }

  private static Timed timed(Simulation sim, String engine, int threads) {
    long end = sim.built().sim().endTimeNs();
    long half = end / 2;
    // The half's start, its events, and the engine's end (its last update, at the end time).
    long[] mark = {0, -1, 0};
    Progress progress = new Progress();
    progress.sampleWith((simulatedNs, events) -> {
      if (simulatedNs >= end) {
        mark[2] = System.nanoTime();
      } else if (mark[1] < 0 && simulatedNs >= half) {
        mark[0] = System.nanoTime();
        mark[1] = events;
      } else if (mark[1] < 0) {
        progress.requestSample();
      }
    });
    progress.requestSample();
    long t0 = System.nanoTime();
    MetricsReport r = sim.run(sim.engine(engine, threads), progress);
    long t1 = System.nanoTime();
    if (mark[2] == 0) {
      throw new IllegalStateException(engine + " ended without its final progress update");
    }
    long late = mark[1] < 0 ? 0 : r.events() - mark[1];
    return new Timed(mark[2] - t0, t1 - mark[2], r, mark[1] < 0 ? 0 : mark[2] - mark[0], late);
  }

  /** Builds scaling box {@code b} for {@code endTime} and times its run on {@code engine} (1 thread). */
  private static Timed timedBox(int b, String endTime, String engine) {
    Simulation sim = Simulation.prepare(null, boxOverrides(b, endTime), null);
    // Building a box of 16 Mi pages leaves garbage that would be collected inside the timing.
    System.gc();
    return timed(sim, engine, 1);
  }

  private static Map<String, Object> point(int b, String engine, String endTime, long events, double nsPerEvent,
      double lateNsPerEvent, List<Long> wallMs) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("cpus", cpus(b));
    p.put("sockets", BOXES[b][0]);
    p.put("engine", engine);
    p.put("end_time", endTime);
    p.put("events", events);
    p.put("wall_ms", wallMs);
    p.put("ns_per_event", Math.round(nsPerEvent));
    p.put("second_half_ns_per_event", Math.round(lateNsPerEvent));
    return p;
  }

  private static int cpus(int b) {
    return BOXES[b][0] * BOXES[b][1];
  }

  /**
   * The overrides of conf/default.conf that make scaling box {@code b}. Its free pages are in
   * per-node queues (kernel.vm-page.numa = on): the boxes measure engines on a box whose sockets
   * mostly talk to their own memory, where the default's 2013 global queues would send every
   * allocation of the box to node 0's LP.
   */
  private static List<String> boxOverrides(int b, String endTime) {
    return List.of("topology.sockets=" + BOXES[b][0], "topology.cores-per-socket=" + BOXES[b][1],
        "topology.memory-per-node=4G", "workload.processes=" + cpus(b), "workload.threads=1",
        "workload.fault-storm.object=private", "kernel.vm-page.numa=on", "sim.end-time=" + endTime);
  }

  /**
   * The runs of {@value #EXPERIMENT} (sequential engine, shortened) one after another and on as
   * many threads as there are cores, in interleaved rounds.
   */
  private Map<String, Object> experiment() throws Exception {
    int rounds = rounds(3, 5);
    int jobs = Runtime.getRuntime().availableProcessors();
    String endTime = quick ? "4ms" : "10ms";
    Experiment ex = Experiment.plan(shipped(EXPERIMENT), List.of("sim.end-time=" + endTime));
    List<Experiment.Run> runs = ex.points().stream().flatMap(p -> p.runs().stream()).toList();
    long[] serial = new long[rounds];
    long[] parallel = new long[rounds];
    List<String> digests = null;
    for (int round = -1; round < rounds; round++) {
      for (int j : new int[] {1, jobs}) {
        long t0 = System.nanoTime();
        List<String> d = runAll(runs, j);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (digests == null) {
          digests = d;
        } else if (!digests.equals(d)) {
          throw new IllegalStateException("the experiment's digests changed with --jobs " + j);
        }
        if (round >= 0) {
          (j == 1 ? serial : parallel)[round] = ms;
        }
        System.out.printf(Locale.ROOT, "experiment %s, %d runs, jobs %d, round %d: %.2f s%n", ex.name(), runs.size(), j,
            round, ms / 1e3);
      }
    }
    double s = median(Arrays.stream(serial).asDoubleStream().toArray());
    double p = median(Arrays.stream(parallel).asDoubleStream().toArray());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("config", EXPERIMENT);
    m.put("end_time", endTime);
    m.put("runs", runs.size());
    m.put("engine", "sequential");
    m.put("jobs", jobs);
    m.put("serial_wall_ms", Arrays.stream(serial).boxed().toList());
    m.put("parallel_wall_ms", Arrays.stream(parallel).boxed().toList());
    m.put("parallel/serial", round2(p / s));
    System.out.printf(Locale.ROOT, "experiment wall time, %d jobs vs 1: %.2f%n", jobs, p / s);
    return m;
  }

  /**
   * Returns a shipped config file: from the working directory when run in the project, else
   * copied with conf/default.conf (which experiments include) out of the jar.
   */
  private Path shipped(String path) throws IOException {
    if (Files.isRegularFile(Path.of(path))) {
      return Path.of(path);
    }
    Path root = temporary("dfsim-bench-conf");
    for (String f : List.of(path, "conf/default.conf")) {
      try (java.io.InputStream in = BenchCommand.class.getResourceAsStream("/" + f)) {
        if (in == null) {
          throw new IllegalStateException("the jar does not hold " + f);
        }
        Files.createDirectories(root.resolve(f).getParent());
        Files.copy(in, root.resolve(f));
      }
    }
    return root.resolve(path);
  }

  private static List<String> runAll(List<Experiment.Run> runs, int jobs) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(jobs);
    try {
      List<Future<MetricsReport>> fs = new ArrayList<>();
      for (Experiment.Run r : runs) {
        fs.add(pool.submit(() -> Experiment.execute(r, "sequential", 1)));
      }
      List<String> digests = new ArrayList<>();
      for (Future<MetricsReport> f : fs) {
        digests.add(f.get().digest());
      }
      return digests;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The 1024-CPU box (16 sockets x 64 cores, 4 GiB per node: 16 Mi pages) run by the sequential
   * engine in a JVM of its own limited to -Xmx2g, and its page state per page measured here.
   */
  private Map<String, Object> box1024() throws IOException, InterruptedException {
    int b = BOXES.length - 1;
    Path tmp = temporary("dfsim-bench-1024");
    List<String> args = new ArrayList<>(List.of("run", "--engine", "sequential", "--quiet", "--out",
        tmp.resolve("out").toString()));
    for (String o : boxOverrides(b, "1ms")) {
      args.add("-D");
      args.add(o);
    }
    List<String> jvm = new ArrayList<>(List.of("-Xmx2g", "-Xss4m"));
    jvm.addAll(ChildJvm.inherited(false));
    List<String> cmd = ChildJvm.command(jvm, args);
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile()).start();
    Runnable unregister = Interrupts.addCleanup(p::destroyForcibly);
    boolean done;
    try {
      done = p.waitFor(10, TimeUnit.MINUTES);
      if (!done) {
        p.destroyForcibly().waitFor();
      }
    } finally {
      unregister.run();
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpus", cpus(b));
    m.put("memory_per_node", "4G");
    m.put("jvm", "-Xmx2g");
    m.put("end_time", "1ms");
    m.put("exit", done ? p.exitValue() : -1);
    m.put("wall_ms", ms);
    m.put("page_state_bytes_per_page", round2(pageStateBytesPerPage(boxOverrides(b, "1ms"))));
    System.out.printf(Locale.ROOT, "1024 CPUs x 4 GiB per node in -Xmx2g: exit %d, %.1f s (JVM start and build included), "
        + "%.2f bytes of page state per page%n", (Integer) m.get("exit"), ms / 1e3, m.get("page_state_bytes_per_page"));
    if (!done || p.exitValue() != 0) {
      System.out.print(Files.readString(tmp.resolve("log")));
    }
    return m;
  }

  /** A temporary directory of this bench, deleted when it ends, however it ends. */
  private Path temporary(String prefix) throws IOException {
    Path p = Files.createTempDirectory(prefix);
    temporaries.add(p);
    return p;
  }

  private void deleteTemporaries() {
    for (Path root : temporaries) {
      try (java.util.stream.Stream<Path> all = Files.walk(root)) {
        all.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException ignored) {
        // a temporary directory left behind is the operating system's to clean
      }
    }
    temporaries.clear();
  }

  /**
   * Heap the model takes per simulated page: the used heap after a GC, before and after building
   * a 2-node box with 4 GiB per node (2 Mi pages) and one thread, divided by its pages. Everything
   * else in the model is a few hundred objects, so the difference is the page state.
   */
  static double pageStateBytesPerPage() {
    return pageStateBytesPerPage(List.of("workload.threads=1"));
  }

  /** The same for the box {@code overrides} make of conf/default.conf with 4 GiB per node. */
  static double pageStateBytesPerPage(List<String> overrides) {
    long before = usedAfterGc();
    List<String> d = new ArrayList<>(List.of("topology.memory-per-node=4G", "workload.fault-storm.pages-per-pass=1",
        "kernel.vm-page.numa=on"));
    d.addAll(overrides);
    Simulation sim = Simulation.prepare(null, d, null);
    long after = usedAfterGc();
    long pages = sim.built().topology().pagesPerNode() * sim.built().topology().nodes();
    return Math.max(0, after - before) / (double) pages;
  }

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /** The sum of the heap pools' peaks: an upper bound of the heap in use at any moment. */
  private static long peakHeapBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double round2(double x) {
    return Math.round(x * 100) / 100.0;
  }
}
