package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The actor engine gives the sequential engine's digest on every config shipped in conf/ (each
 * variant of an experiment at its sweep's first and last point), and on topologies no config
 * ships, with 1, 2 and 4 dispatcher threads and every message serialized, past many clock ticks,
 * umtx timeouts and forks ({@link #theRunsCoverTicksTimeoutsAndForks}).
 */
final class EngineEqualityTest {
  /**
   * 1.5 ms at hz = 10000 is 15 clock ticks (rotation, umtx tick quantisation), with umtx sleeps
   * capped at 100 us (timeouts), and the cow-fork and fork-exec workloads fork within it.
   */
  private static final List<String> SHORT = List.of("sim.end-time=1500us", "kernel.hz=10000",
      "kernel.umtx.timeout-max=100us", "pekko.actor.serialize-messages=on");

  /**
   * Configs with a million events or more in 1.5 ms (will-it-scale's loops of a few hundred
   * nanoseconds on 16 threads, pq-l2-size's 64 allocating CPUs) run a third of it: 5 ticks, the
   * same paths, and a fifth of the suite's time fewer.
   */
  private static final java.util.regex.Pattern DENSE = java.util.regex.Pattern.compile("will-it-scale/|pq-l2-size");
  private static final List<String> DENSE_SHORT = Stream.concat(
      SHORT.stream().filter(s -> !s.startsWith("sim.end-time=")), Stream.of("sim.end-time=500us")).toList();

  /** A case: a label, a config file (or null for the embedded default) and overrides. */
  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("../conf"))) {
      // The page_fault testcases (and page_fault1's experiments) and tlb_flush1 and 3 map 128 MB
      // per thread, 2-3 GiB per node, slow to build four times over; the program cases below
      // compare a program's faults, tokens, munmaps, copies of a private file and madvise on both
      // engines.
      for (Path f : files.filter(p -> p.toString().endsWith(".conf")
          && !p.getFileName().toString().matches(".*(page_fault|tlb_flush[13]).*")).sorted().toList()) {
        Experiment ex = Experiment.plan(f, DENSE.matcher(f.toString()).find() ? DENSE_SHORT : SHORT);
        List<Experiment.Point> points = ex.points();
        for (int i = 0; i < points.size(); i++) {
          String v = points.get(i).variant();
          boolean first = i == 0 || !points.get(i - 1).variant().equals(v);
          boolean last = i == points.size() - 1 || !points.get(i + 1).variant().equals(v);
          // Each config meets 1, 2 and 4 dispatcher threads: the first point of a variant
          // with 1 and 4, the last with 2 and 4 (a lone point with all three).
          int[] threads = first && last ? new int[] {1, 2, 4} : first ? new int[] {1, 4} : new int[] {2, 4};
          if (first || last) {
            Experiment.Point p = points.get(i);
            out.add(Arguments.of(f + " " + v + " " + p.sweep(), p.runs().get(0), threads));
          }
        }
      }
    }
    for (String topo : List.of(
        "topology.sockets=3|topology.cores-per-socket=5",
        "topology.dies-per-socket=2|topology.cores-per-socket=6|topology.memoryless-dies=[1]",
        "topology.threads-per-core=2|topology.cores-per-socket=4|workload.fault-storm.object=private",
        "workload.kind=token-storm|workload.token-storm.handoff=true|kernel.lwkt.scheduler=fairq|topology.sockets=3",
        "workload.kind=token-storm|workload.token-storm.handoff=true|workload.threads=32",
        // A box of 264 LPs (4 x 64 CPUs): per-LP horizons worked out per die, a global zone convoy.
        "topology.sockets=4|topology.cores-per-socket=64|topology.memory-per-node=64M|workload.processes=256"
            + "|workload.threads=1|workload.fault-storm.object=private|kernel.vm-page.numa=on|sim.end-time=300us",
        UMTX_TIMEOUTS,
        // A program: faults, a pool token, a weighted choice with an munmap (IPIs to its process's CPUs).
        "workload.kind=program|workload.threads=8|workload.program.mappings=[{name=m,pages=8}]"
            + "|workload.program.steps=[{op=f,steps=[{touch=m,pages=1}]},{token=1,hold=1us},"
            + "{choice=[{weight=1,steps=[{munmap=m}]},{weight=3,steps=[{compute-mean=1us}]}]}]",
        // A private file copied page by page, each page advised away, and unmapped (tlb_flush1, small).
        "workload.kind=program|workload.threads=8|workload.program.mappings=[{name=f,kind=private-file,pages=16}]"
            + "|workload.program.steps=[{repeat=16,steps=[{touch=f,pages=1},{madvise=f,pages=1}]},{munmap=f}]")) {
      List<String> o = new ArrayList<>(SHORT);
      o.addAll(List.of(topo.split("\\|")));
      Experiment ex = Experiment.plan(Path.of("../conf/default.conf"), o);
      out.add(Arguments.of(topo, ex.points().get(0).runs().get(0), new int[] {1, 2, 4}));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void actorsMatchSequential(String label, Experiment.Run run, int[] dispatcherThreads) {
    String expected = Experiment.execute(run, "sequential", 1).digest();
    for (int threads : dispatcherThreads) {
      assertEquals(expected, Experiment.execute(run, "actors", threads).digest(), label + ", " + threads + " threads");
    }
    assertFalse(expected.isEmpty());
  }

  /**
   * The compared runs reach what only a longer run would at the shipped hz: umtx sleeps that time
   * out, forks of the cow-fork and fork-exec workloads, and tick-driven round-robin switches.
   */
  /** Mutexes held longer than the 100 us cap: the sleepers time out and retry. */
  private static final String UMTX_TIMEOUTS = "workload.kind=umtx-mutex|workload.umtx-mutex.hold=300us|workload.threads=8";

  @org.junit.jupiter.api.Test
  @SuppressWarnings("unchecked")
  void theRunsCoverTicksTimeoutsAndForks() {
    List<String> o = new ArrayList<>(SHORT);
    o.addAll(List.of(UMTX_TIMEOUTS.split("\\|")));
    Map<String, Object> w = (Map<String, Object>) Experiment.execute(
        Experiment.plan(Path.of("../conf/default.conf"), o).points().get(0).runs().get(0), "sequential", 1).tree()
        .get("workload");
    assertTrue(((Number) ((Map<String, Object>) w.get("measured")).get("umtx_timeouts")).longValue() > 0, "umtx timeouts");
    assertTrue(opCount("umtx-fork.conf", "fault-page", "cow") > 0, "cow-fork forks: the mutex page copied on write");
    assertTrue(opCount("fork-exec.conf", "exclusive", "fork-exec") > 0, "fork/exec cycles");
    // strict-rr rotates equal priorities at each tick: 15 ticks switch more than none.
    long ticking = measured("lwkt-tokens.conf", "strict-rr", "context_switches");
    long noTick = measured("lwkt-tokens.conf", "strict-rr", "context_switches", "kernel.hz=100");
    assertTrue(ticking > noTick, "tick rotation: " + ticking + " switches with ticks, " + noTick + " without");
  }

  private static Map<String, Object> firstRun(String file, String variant, String... extra) {
    List<String> o = new ArrayList<>(SHORT);
    o.addAll(List.of(extra));
    Experiment ex = Experiment.plan(Path.of("../conf/experiments/" + file), o);
    Experiment.Point p = ex.points().stream().filter(x -> x.variant().equals(variant)).findFirst().orElseThrow();
    return Experiment.execute(p.runs().get(0), "sequential", 1).tree();
  }

  @SuppressWarnings("unchecked")
  private static long measured(String file, String variant, String counter, String... extra) {
    Map<String, Object> w = (Map<String, Object>) firstRun(file, variant, extra).get("workload");
    return ((Number) ((Map<String, Object>) w.get("measured")).get(counter)).longValue();
  }

  @SuppressWarnings("unchecked")
  private static long opCount(String file, String variant, String op) {
    Map<String, Object> ops = (Map<String, Object>) ((Map<String, Object>) firstRun(file, variant).get("workload")).get("ops");
    Object o = ops.get(op);
    return o == null ? 0 : ((Number) ((Map<String, Object>) o).get("count")).longValue();
  }
}
