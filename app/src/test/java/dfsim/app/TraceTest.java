package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --trace FROM..TO} writes trace.json in the Chrome Trace Event Format: one named track
 * per CPU whose B/E slices nest properly, cover every nanosecond of the window and, over the whole
 * run, give each function the time profile-cpus.folded gives it on that CPU; a narrower window
 * holds only its own slices. Every IPI a CPU received is a flow arrow from its sender; each memory
 * node's free pages are a counter track that follows the node's queues.
 */
final class TraceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Per track (tid): function -> total ns inside it (a recursive frame counted once), from the events. */
  static Map<Integer, Map<String, Long>> totals(JsonNode trace, long fromNs, long toNs) {
    Map<Integer, Map<String, Long>> out = new HashMap<>();
    Map<Integer, Deque<Object[]>> open = new HashMap<>();
    Map<Integer, Long> covered = new HashMap<>();
    for (JsonNode e : trace.get("traceEvents")) {
      String ph = e.get("ph").asText();
      if (ph.equals("M") || ph.equals("X") || ph.equals("s") || ph.equals("f") || ph.equals("C")) {
        continue;
      }
      int tid = e.get("tid").asInt();
      long ns = new BigDecimal(e.get("ts").asText()).movePointRight(3).longValueExact();
      assertTrue(ns >= fromNs && ns <= toNs, "event inside the window: " + e);
      Deque<Object[]> stack = open.computeIfAbsent(tid, k -> new ArrayDeque<>());
      if (ph.equals("B")) {
        stack.push(new Object[] {e.get("name").asText(), ns});
      } else {
        assertEquals("E", ph);
        Object[] b = stack.pop();
        assertEquals(b[0], e.get("name").asText(), "E closes the slice B opened last on track " + tid);
        long d = ns - (Long) b[1];
        out.computeIfAbsent(tid, k -> new HashMap<>()).merge((String) b[0], d, Long::sum);
        if (stack.isEmpty()) {
          covered.merge(tid, d, Long::sum);
        }
      }
    }
    open.forEach((tid, s) -> assertTrue(s.isEmpty(), "every slice of track " + tid + " ends"));
    covered.forEach((tid, ns) -> assertEquals(toNs - fromNs, ns, "track " + tid + " covers the window"));
    return out;
  }

  @Test
  void theWholeRunsTimelineGivesEachCpuItsProfile(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    Cli r = Cli.run("run", "--out", out.toString(), "-D", "sim.end-time=2ms", "--trace", "0ms..2ms",
        "../conf/default.conf");
    assertEquals(0, r.exit(), r.err());
    JsonNode trace = JSON.readTree(out.resolve("trace.json").toFile());
    Map<Integer, Map<String, Long>> totals = totals(trace, 0, 2_000_000);
    assertEquals(16, totals.size(), "a track per CPU");
    int names = 0;
    for (JsonNode e : trace.get("traceEvents")) {
      if (e.get("name").asText().equals("thread_name") && e.get("tid").asInt() < Timelines.threadTrack(0)) {
        assertEquals("cpu " + (e.get("tid").asInt() - 1) + " (s" + ((e.get("tid").asInt() - 1) / 8) + " d"
            + ((e.get("tid").asInt() - 1) / 8) + ")", e.get("args").get("name").asText());
        names++;
      }
    }
    assertEquals(16, names);
    // The profile's view of each CPU: function -> ns through it.
    Map<Integer, Map<String, Long>> profile = new HashMap<>();
    for (String line : Files.readAllLines(out.resolve("profile-cpus.folded"))) {
      String[] f = line.substring(0, line.lastIndexOf(' ')).split(";");
      long ns = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
      int cpu = Integer.parseInt(f[0].substring(3));
      java.util.Set<String> through = new java.util.HashSet<>(java.util.Arrays.asList(f).subList(1, f.length));
      through.forEach(fn -> profile.computeIfAbsent(cpu + 1, k -> new HashMap<>()).merge(fn, ns, Long::sum));
    }
    assertEquals(profile, totals);
    threadsRunWhenTheCpuIsNeitherSwitchingNorIdle(trace, totals, 2_000_000);
  }

  /** Threads that compute and sleep by turns: their CPUs idle between, and the thread tracks show the gaps. */
  @Test
  void aThreadTrackLeavesOutTheCpusIdleTime(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    Cli r = Cli.run("run", "--out", out.toString(), "-D", "sim.end-time=1ms", "--trace", "0ms..1ms", "-D",
        "workload.kind=program", "-D", "workload.program.steps=[{compute=10us},{sleep=10us}]", "../conf/default.conf");
    assertEquals(0, r.exit(), r.err());
    JsonNode trace = JSON.readTree(out.resolve("trace.json").toFile());
    Map<Integer, Map<String, Long>> totals = totals(trace, 0, 1_000_000);
    assertTrue(totals.get(1).get("idle") > 400_000, "CPU 0 idles while its thread sleeps: " + totals.get(1));
    threadsRunWhenTheCpuIsNeitherSwitchingNorIdle(trace, totals, 1_000_000);
  }

  /** Each CPU's thread track: its one thread (one per CPU here) runs whenever the CPU is neither switching nor idle. */
  private static void threadsRunWhenTheCpuIsNeitherSwitchingNorIdle(JsonNode trace, Map<Integer, Map<String, Long>> totals,
      long windowNs) {
    Map<Integer, Long> running = new HashMap<>();
    Map<Integer, java.util.Set<String>> threads = new HashMap<>();
    for (JsonNode e : trace.get("traceEvents")) {
      if (e.get("ph").asText().equals("X")) {
        int cpu = e.get("tid").asInt() - Timelines.threadTrack(0);
        running.merge(cpu, new BigDecimal(e.get("dur").asText()).movePointRight(3).longValueExact(), Long::sum);
        threads.computeIfAbsent(cpu, k -> new java.util.HashSet<>()).add(e.get("name").asText());
      }
    }
    assertEquals(16, running.size());
    for (int cpu = 0; cpu < 16; cpu++) {
      Map<String, Long> t = totals.get(cpu + 1);
      assertEquals(windowNs - t.getOrDefault("lwkt_switch", 0L) - t.getOrDefault("idle", 0L), running.get(cpu),
          "cpu " + cpu);
      assertEquals(1, threads.get(cpu).size(), "one thread on cpu " + cpu + ": " + threads.get(cpu));
    }
  }

  @Test
  void aWindowHoldsItsOwnSlicesOnly(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    Cli r = Cli.run("run", "--out", out.toString(), "-D", "sim.end-time=2ms", "--trace", "1ms..1200us",
        "../conf/default.conf");
    assertEquals(0, r.exit(), r.err());
    Map<Integer, Map<String, Long>> totals = totals(JSON.readTree(out.resolve("trace.json").toFile()),
        1_000_000, 1_200_000);
    assertEquals(16, totals.size());
    assertTrue(totals.get(1).getOrDefault("spin:vm_map", 0L) > 0, "CPU 0 waits for the map token then too");
    Cli none = Cli.run("run", "--out", tmp.resolve("n").toString(), "-D", "sim.end-time=1ms", "../conf/default.conf");
    assertEquals(0, none.exit(), none.err());
    assertTrue(!Files.exists(tmp.resolve("n").resolve("trace.json")), "no --trace, no trace.json");
  }

  private static long ns(JsonNode e) {
    return new BigDecimal(e.get("ts").asText()).movePointRight(3).longValueExact();
  }

  /**
   * Every IPI is an arrow: as many arrow heads on a CPU's track as metrics.json says it received,
   * each from another CPU's track, sent at least latency.ipi before it arrived; the kinds each
   * workload sends.
   */
  @Test
  void everyIpiIsAnArrowFromItsSender(@TempDir Path tmp) throws Exception {
    ipiArrows(tmp.resolve("storm"), java.util.Set.of("ipi: tlb shootdown"));
    ipiArrows(tmp.resolve("cow"), java.util.Set.of("ipi: umtx wakeup", "ipi: cow invalidate"),
        "-D", "workload.kind=cow-fork");
    ipiArrows(tmp.resolve("tokens"), java.util.Set.of("ipi: wakeup"),
        "-D", "workload.kind=token-storm", "-D", "workload.token-storm.handoff=true");
  }

  private static void ipiArrows(Path out, java.util.Set<String> kinds, String... d) throws Exception {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", "--quiet", "--out",
        out.toString(), "-D", "sim.end-time=2ms", "--trace", "0ms..2ms"));
    args.addAll(java.util.List.of(d));
    args.add("../conf/default.conf");
    Cli r = Cli.run(args.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    JsonNode trace = JSON.readTree(out.resolve("trace.json").toFile());
    JsonNode metrics = JSON.readTree(out.resolve("metrics.json").toFile());
    long ipiNs = com.typesafe.config.ConfigFactory.parseFile(out.resolve("config.conf").toFile())
        .getDuration("latency.ipi").toNanos();
    Map<Long, JsonNode> sent = new HashMap<>();
    Map<Integer, Integer> received = new HashMap<>();
    java.util.Set<String> names = new java.util.TreeSet<>();
    for (JsonNode e : trace.get("traceEvents")) {
      if (e.get("ph").asText().equals("s")) {
        assertEquals(null, sent.put(e.get("id").asLong(), e), "one start per arrow");
      }
    }
    for (JsonNode e : trace.get("traceEvents")) {
      if (!e.get("ph").asText().equals("f")) {
        continue;
      }
      JsonNode s = sent.remove(e.get("id").asLong());
      assertTrue(s != null, "an arrow head has its start: " + e);
      assertEquals(s.get("name"), e.get("name"));
      assertEquals("e", e.get("bp").asText(), "bound to the slice the receiver is in");
      assertTrue(s.get("tid").asInt() != e.get("tid").asInt(), "from another CPU: " + s + " " + e);
      assertTrue(ns(e) - ns(s) >= ipiNs, "an IPI takes latency.ipi at least: " + s + " " + e);
      received.merge(e.get("tid").asInt() - 1, 1, Integer::sum);
      names.add(e.get("name").asText());
    }
    assertTrue(sent.isEmpty(), "every arrow ends: " + sent.values());
    assertEquals(kinds, names);
    for (JsonNode cpu : metrics.get("cpus")) {
      assertEquals(cpu.get("ipis_received").asInt(), received.getOrDefault(cpu.get("id").asInt(), 0),
          "arrows into cpu " + cpu.get("id"));
    }
  }

  /** Each node's free pages over the window: [ns, value] in time order. */
  private static Map<String, java.util.List<long[]>> counters(JsonNode trace) {
    Map<String, java.util.List<long[]>> out = new java.util.TreeMap<>();
    for (JsonNode e : trace.get("traceEvents")) {
      if (e.get("ph").asText().equals("C")) {
        out.computeIfAbsent(e.get("name").asText(), k -> new java.util.ArrayList<>())
            .add(new long[] {ns(e), e.get("args").get("free").asLong()});
      }
    }
    return out;
  }

  /**
   * A counter track per memory node that starts at the window's start, changes at every sample,
   * and over the whole run ends at the free pages metrics.json gives the node; a narrower window's
   * track is the whole run's seen through it.
   */
  @Test
  void eachNodesFreePagesAreACounterTrack(@TempDir Path tmp) throws Exception {
    String[] numa = {"-D", "sim.end-time=2ms", "-D", "workload.kind=munmap-storm", "../conf/kernels/e3c330f0.conf"};
    Cli whole = Cli.run(concat(new String[] {"run", "--quiet", "--out", tmp.resolve("w").toString(), "--trace",
        "0ms..2ms"}, numa));
    assertEquals(0, whole.exit(), whole.err());
    JsonNode metrics = JSON.readTree(tmp.resolve("w/metrics.json").toFile());
    Map<String, java.util.List<long[]>> all = counters(JSON.readTree(tmp.resolve("w/trace.json").toFile()));
    assertEquals(metrics.get("memory").size(), all.size(), "a track per node: " + all.keySet());
    int takenAndFreed = 0;
    for (JsonNode node : metrics.get("memory")) {
      java.util.List<long[]> track = all.get("node " + node.get("node").asInt() + " free pages");
      assertEquals(0, track.get(0)[0], "from the window's start");
      boolean fell = false;
      boolean rose = false;
      for (int i = 1; i < track.size(); i++) {
        assertTrue(track.get(i)[0] > track.get(i - 1)[0], "in time order");
        assertTrue(track.get(i)[1] != track.get(i - 1)[1], "a sample where the value changed");
        fell |= track.get(i)[1] < track.get(i - 1)[1];
        rose |= track.get(i)[1] > track.get(i - 1)[1];
      }
      assertEquals(node.get("free_pages").asLong(), track.get(track.size() - 1)[1], "node " + node.get("node"));
      takenAndFreed += fell && rose ? 1 : 0;
    }
    assertEquals(2, takenAndFreed, "pages taken and freed on both nodes");
    Cli part = Cli.run(concat(new String[] {"run", "--quiet", "--out", tmp.resolve("p").toString(), "--trace",
        "1ms..1200us"}, numa));
    assertEquals(0, part.exit(), part.err());
    Map<String, java.util.List<long[]>> window = counters(JSON.readTree(tmp.resolve("p/trace.json").toFile()));
    assertEquals(all.keySet(), window.keySet());
    all.forEach((name, track) -> {
      java.util.List<String> seen = new java.util.ArrayList<>();
      long before = track.get(0)[1];
      for (long[] x : track) {
        if (x[0] <= 1_000_000) {
          before = x[1];
        } else if (x[0] < 1_200_000) {
          seen.add(x[0] + "=" + x[1]);
        }
      }
      seen.add(0, 1_000_000 + "=" + before);
      assertEquals(seen, window.get(name).stream().map(x -> x[0] + "=" + x[1]).toList(), name);
    });
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
