package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dfsim.core.sim.BareLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dfsim bench --quick} measures every engine, agrees on one digest, writes bench.json and
 * ends with the ratio line. It checks the report's shape and what must hold on any machine (the
 * bare loop replays exactly the engine's events, the 1024-CPU box runs in -Xmx2g, page state is
 * within 32 bytes per page), never a speed.
 */
final class BenchCommandTest {
  @TempDir
  Path tmp;

  @Test
  void theBareLoopReplaysTheEnginesEvents() {
    List<String> shorter = List.of("sim.end-time=5ms");
    BareLoop bare = BareLoop.record(Simulation.prepare(null, shorter, null).built().model());
    long events = ((Number) ((Map<?, ?>) Simulation.prepare(null, shorter, null).runOn("sequential", 1).tree()
        .get("run")).get("events")).longValue();
    assertTrue(events > 10_000);
    assertEquals(events, bare.run());
    assertEquals(events, bare.run(), "a replay can be repeated");
  }

  @Test
  @org.junit.jupiter.api.Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
  void quickBenchReportsRatiosAndEndsWithTheRatioLine() throws IOException {
    java.util.Set<Path> before = benchTemporaries();
    // One measured round of each section: the whole bench end to end, in a third of the time.
    Cli r = Cli.run("bench", "--quick", "--rounds", "1", "--out", tmp.toString());
    assertEquals(0, r.exit(), r.err());
    java.util.Set<Path> left = benchTemporaries();
    left.removeAll(before);
    assertEquals(java.util.Set.of(), left, "the bench deletes its temporary directories");
    assertTrue(r.lastLine().matches("actors/sequential events-per-second ratio: \\d+\\.\\d\\d"), r.lastLine());
    JsonNode b = new ObjectMapper().readTree(tmp.resolve("bench.json").toFile());
    for (String e : new String[] {"bare-loop", "sequential", "actors-1", "actors-2"}) {
      assertEquals(1, b.get("engines").get(e).get("events_per_second").size(), e);
      assertTrue(b.get("engines").get(e).get("median_events_per_second").asLong() > 0, e);
    }
    for (String ratio : new String[] {"sequential/bare-loop", "actors-1/sequential", "actors-2/sequential"}) {
      assertTrue(b.get("ratios").get(ratio).asDouble() > 0, ratio);
    }
    assertEquals(64, b.get("digest").asText().length());
    JsonNode points = b.get("scaling").get("points");
    assertEquals(8, points.size(), "16, 64, 256 and 1024 CPUs on both engines");
    assertEquals(1024, points.get(3).get("cpus").asInt());
    assertTrue(b.get("scaling").get("ns_per_event_growth_16_to_1024").get("sequential").asDouble() > 0);
    // The 1024-CPU box on each engine: the actor engine's windows do not depend on its threads,
    // and its per-LP horizons let several LPs' events into one window.
    JsonNode big = b.get("scaling").get("engines_1024");
    assertEquals(0, big.get("sequential").get("windows").asLong());
    long windows = big.get("actors-1").get("windows").asLong();
    assertEquals(windows, big.get("actors-2").get("windows").asLong());
    assertTrue(big.get("actors-1").get("events_per_window").asDouble() > 4, big.toString());
    assertTrue(big.get("ratios").get("actors-2/actors-1").asDouble() > 0);
    assertTrue(b.get("experiment").get("parallel/serial").asDouble() > 0);
    assertEquals(0, b.get("box_1024").get("exit").asInt(), "the 1024-CPU box runs in -Xmx2g");
    for (double perPage : new double[] {b.get("page_state_bytes_per_page").asDouble(),
        b.get("box_1024").get("page_state_bytes_per_page").asDouble()}) {
      assertTrue(perPage > 0 && perPage <= 32, "page state: " + perPage + " bytes per page");
    }
    assertTrue(b.get("peak_heap_mb").asLong() > 0);
  }

  private static java.util.Set<Path> benchTemporaries() throws IOException {
    try (java.util.stream.Stream<Path> all = java.nio.file.Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return all.filter(p -> p.getFileName().toString().startsWith("dfsim-bench-"))
          .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
    }
  }
}
