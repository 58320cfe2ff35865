package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dfsim experiment}: results.csv has the contract columns in order, one row per variant x
 * sweep point, and is the same with one job or two apart from the wall-clock column.
 */
final class ExperimentCommandTest {
  private static final String FAULT_STORM = "../conf/experiments/fault-storm.conf";

  @TempDir
  Path tmp;

  private List<String[]> results(int jobs) throws IOException {
    Path out = tmp.resolve("j" + jobs);
    Cli r = Cli.run("experiment", "--jobs", String.valueOf(jobs), "--out", out.toString(), "--quiet",
        "-D", "sim.end-time=2ms", FAULT_STORM);
    assertEquals(0, r.exit(), r.err());
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("results.csv"))) {
      rows.add(line.split(",", -1));
    }
    return rows;
  }

  @Test
  void jobsDoNotChangeResults() throws IOException {
    List<String[]> one = results(1);
    List<String[]> two = results(2);
    List<String> header = Arrays.asList(one.get(0));
    assertEquals(List.of("variant", "workload.threads", "ops_completed", "ops_per_sim_second",
        "mean_op_latency_ns", "p99_op_latency_ns", "lock_wait_ns_per_op", "spin_ns_per_op", "ipis_per_op",
        "faults_per_op", "scan_steps_per_alloc", "context_switches", "umtx_timeouts", "stale_mapping_ns",
        "digest", "ops_per_sim_second_ci95"), header.subList(0, 16));
    assertEquals(11, one.size(), "2 variants x 5 thread counts + header");
    int wall = header.indexOf("wall_ms");
    for (int i = 0; i < one.size(); i++) {
      String[] a = one.get(i).clone();
      String[] b = two.get(i).clone();
      a[wall] = "";
      b[wall] = "";
      assertEquals(Arrays.asList(a), Arrays.asList(b), "row " + i);
    }
  }

  @Test
  void seedsAveragePointsAndDiffer() throws IOException {
    List<String[]> rows = results(2);
    List<String> header = Arrays.asList(rows.get(0));
    int ci = header.indexOf("ops_per_sim_second_ci95");
    int digest = header.indexOf("digest");
    // With 3 seeds and more than one thread the runs differ, so the interval is not 0.
    assertTrue(Double.parseDouble(rows.get(5)[ci]) > 0, Arrays.toString(rows.get(5)));
    assertNotEquals(rows.get(1)[digest], rows.get(2)[digest]);
    assertTrue(Files.exists(tmp.resolve("j2/runs/shared__workload.threads=16/seed-3/metrics.json")));
  }

  @Test
  void badSweepKeyIsBadInput() throws IOException {
    Path f = tmp.resolve("bad.conf");
    Files.writeString(f, "include file(\"" + Path.of("../conf/default.conf").toAbsolutePath()
        + "\")\nsweep { workload.threadz = [1, 2] }\n");
    Cli r = Cli.run("experiment", "--out", tmp.resolve("o").toString(), f.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("sweep.workload.threadz"), r.err());
    assertTrue(Files.notExists(tmp.resolve("o")));
  }

  @Test
  void badValueInOneVariantNamesTheVariant() throws IOException {
    Path f = tmp.resolve("bad2.conf");
    Files.writeString(f, "include file(\"" + Path.of("../conf/default.conf").toAbsolutePath()
        + "\")\nvariants { ok {}, broken { topology.sockets = 0 } }\n");
    Cli r = Cli.run("experiment", "--out", tmp.resolve("o").toString(), f.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("variant broken") && r.err().contains("topology.sockets"), r.err());
  }
}
