package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dfsim bench --quick} measures every engine, agrees on one digest, writes bench.json and
 * ends with the ratio line. It checks the report's shape, never a speed.
 */
final class BenchCommandTest {
  @TempDir
  Path tmp;

  @Test
  void quickBenchReportsRatiosAndEndsWithTheRatioLine() throws IOException {
    Cli r = Cli.run("bench", "--quick", "--out", tmp.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.lastLine().matches("actors/sequential events-per-second ratio: \\d+\\.\\d\\d"), r.lastLine());
    JsonNode b = new ObjectMapper().readTree(tmp.resolve("bench.json").toFile());
    for (String e : new String[] {"sequential", "actors-1", "actors-2"}) {
      assertEquals(5, b.get("engines").get(e).get("events_per_second").size(), e);
      assertTrue(b.get("engines").get(e).get("median_events_per_second").asLong() > 0, e);
    }
    assertTrue(b.get("ratios").get("actors-1/sequential").asDouble() > 0);
    assertEquals(64, b.get("digest").asText().length());
    double perPage = b.get("page_state_bytes_per_page").asDouble();
    assertTrue(perPage > 0 && perPage <= 32, "page state: " + perPage + " bytes per page");
  }
}
