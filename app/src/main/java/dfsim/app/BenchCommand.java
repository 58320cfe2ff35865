package dfsim.app;

import dfsim.core.config.BadInputException;
import dfsim.core.metrics.MetricsReport;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dfsim bench}: simulated events per wall second of the sequential engine and of the actor
 * engine with 1 and 2 dispatcher threads on conf/default.conf, measured in one process with the
 * engines' repetitions interleaved (so machine noise hits all alike), medians, and their ratios.
 * Each measured run is a whole {@code engine.run}, actor-system start and stop included; the
 * first rounds warm the JIT and are not counted. Every run must give the same digest.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measures engine speed on conf/default.conf and writes bench.json.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "2 warm-up and 5 measured rounds (under a minute) instead of 3 and 11")
  boolean quick;

  @Option(names = "--out", description = "output directory (default: out/bench/)")
  Path out;

  /** The engines compared: CLI name and dispatcher threads. */
  private static final String[][] ENGINES = {{"sequential", "1"}, {"actors", "1"}, {"actors", "2"}};

  @Override
  public Integer call() {
    Path dir = out != null ? out : Path.of("out", "bench");
    Outputs.checkWritable(dir);
    int warmup = quick ? 2 : 3;
    int rounds = quick ? 5 : 11;
    String digest = null;
    long events = 0;
    double[][] eps = new double[ENGINES.length][rounds];
    long[][] wallMs = new long[ENGINES.length][rounds];
    for (int round = -warmup; round < rounds; round++) {
      for (int e = 0; e < ENGINES.length; e++) {
        long t0 = System.nanoTime();
        MetricsReport r = Simulation.prepare(null, List.of(), null).runOn(ENGINES[e][0], Integer.parseInt(ENGINES[e][1]));
        long ns = System.nanoTime() - t0;
        if (digest == null) {
          digest = r.digest();
        } else if (!digest.equals(r.digest())) {
          throw new IllegalStateException("engines disagree: " + label(e) + " gave " + r.digest() + ", not " + digest);
        }
        @SuppressWarnings("unchecked")
        long ev = (Long) ((Map<String, Object>) r.tree().get("run")).get("events");
        events = ev;
        if (round >= 0) {
          eps[e][round] = ev / (ns / 1e9);
          wallMs[e][round] = ns / 1_000_000;
        }
        System.out.printf(Locale.ROOT, "%s round %d: %.2f s, %,.0f events/s%n", label(e),
            round, ns / 1e9, ev / (ns / 1e9));
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("config", "conf/default.conf");
    json.put("events_per_run", events);
    json.put("digest", digest);
    json.put("warmup_rounds", warmup);
    json.put("rounds", rounds);
    json.put("cores", Runtime.getRuntime().availableProcessors());
    json.put("java", System.getProperty("java.version"));
    json.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
    json.put("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
    Map<String, Object> engines = new LinkedHashMap<>();
    double[] median = new double[ENGINES.length];
    for (int e = 0; e < ENGINES.length; e++) {
      median[e] = median(eps[e]);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("engine", ENGINES[e][0]);
      m.put("threads", Integer.parseInt(ENGINES[e][1]));
      m.put("median_events_per_second", Math.round(median[e]));
      m.put("events_per_second", Arrays.stream(eps[e]).mapToLong(Math::round).boxed().toList());
      m.put("wall_ms", Arrays.stream(wallMs[e]).boxed().toList());
      engines.put(label(e), m);
    }
    json.put("engines", engines);
    json.put("page_state_bytes_per_page", round2(pageStateBytesPerPage()));
    // The largest page state: vm_fault_quick on, with one vm_page_hash slot per page.
    json.put("page_state_bytes_per_page_direct_hash", round2(pageStateBytesPerPage(
        List.of("kernel.vm-fault.quick=on", "kernel.vm-page.hash=direct"))));
    Map<String, Object> ratios = new LinkedHashMap<>();
    ratios.put("actors-1/sequential", round2(median[1] / median[0]));
    ratios.put("actors-2/sequential", round2(median[2] / median[0]));
    ratios.put("actors-2/actors-1", round2(median[2] / median[1]));
    json.put("ratios", ratios);
    Outputs.prepare(dir);
    Outputs.writeJson(dir.resolve("bench.json"), json);
    System.out.printf(Locale.ROOT, "median events/s: sequential %,.0f, actors(1 thread) %,.0f, actors(2 threads) %,.0f%n",
        median[0], median[1], median[2]);
    System.out.printf(Locale.ROOT, "page state: %.2f bytes per simulated page (%.2f with the direct-mapped vm_page_hash)%n",
        json.get("page_state_bytes_per_page"), json.get("page_state_bytes_per_page_direct_hash"));
    System.out.println("bench: " + dir.resolve("bench.json"));
    // The ratio of the actor engine as `run` uses it by default (its default --threads).
    System.out.printf(Locale.ROOT, "actors/sequential events-per-second ratio: %.2f%n", median[1] / median[0]);
    return Main.OK;
  }

  /**
   * Heap the model takes per simulated page: the used heap after a GC, before and after building
   * a 2-node box with 4 GiB per node (2 Mi pages) and one thread, divided by its pages. Everything
   * else in the model is a few hundred objects, so the difference is the page state.
   */
  static double pageStateBytesPerPage() {
    return pageStateBytesPerPage(List.of());
  }

  /** The same with {@code overrides} (e.g. vm_fault_quick on with the direct-mapped vm_page_hash). */
  static double pageStateBytesPerPage(List<String> overrides) {
    long before = usedAfterGc();
    List<String> d = new java.util.ArrayList<>(
        List.of("topology.memory-per-node=4G", "workload.threads=1", "workload.fault-storm.pages-per-pass=1"));
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

  private static String label(int e) {
    return ENGINES[e][0].equals("sequential") ? "sequential" : "actors-" + ENGINES[e][1];
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
