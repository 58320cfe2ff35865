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
 * holds only its own slices.
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
      if (ph.equals("M") || ph.equals("X")) {
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
}
