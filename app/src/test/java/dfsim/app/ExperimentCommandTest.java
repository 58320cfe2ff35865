package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

  /**
   * Each row is worked out again from its runs' metrics.json: the means over the seeds, the
   * Student-t interval of ops/s, the per-op ratios, the first seed's digest, the seed count; and
   * the seeds of a point differ (their digests and their rates).
   */
  @Test
  void eachRowIsTheMeanOfItsSeedsMetrics() throws IOException {
    List<String[]> rows = results(2);
    List<String> header = Arrays.asList(rows.get(0));
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    // t(0.975) with 2 degrees of freedom: 3 seeds.
    double t2 = 4.302652729911275;
    for (String[] row : rows.subList(1, rows.size())) {
      Path point = tmp.resolve("j2/runs/" + row[0] + "__workload.threads=" + row[1]);
      double[] rate = new double[3];
      double ops = 0;
      double lockPerOp = 0;
      double faultsPerOp = 0;
      List<String> digests = new ArrayList<>();
      for (int seed = 1; seed <= 3; seed++) {
        com.fasterxml.jackson.databind.JsonNode m = json.readTree(point.resolve("seed-" + seed + "/metrics.json").toFile());
        com.fasterxml.jackson.databind.JsonNode w = m.get("workload");
        rate[seed - 1] = w.get("ops_per_sim_second").asDouble();
        ops += w.get("ops_completed").asDouble() / 3;
        lockPerOp += w.get("measured").get("lock_wait_ns").asDouble() / w.get("ops_completed").asDouble() / 3;
        faultsPerOp += w.get("measured").get("faults").asDouble() / w.get("ops_completed").asDouble() / 3;
        digests.add(m.get("run").get("digest").asText());
      }
      double mean = (rate[0] + rate[1] + rate[2]) / 3;
      double ss = 0;
      for (double r : rate) {
        ss += (r - mean) * (r - mean);
      }
      double ci = t2 * Math.sqrt(ss / 2) / Math.sqrt(3);
      String where = Arrays.toString(row);
      assertEquals(ops, Double.parseDouble(row[header.indexOf("ops_completed")]), 0.0005, where);
      assertEquals(mean, Double.parseDouble(row[header.indexOf("ops_per_sim_second")]), 0.0005, where);
      assertEquals(ci, Double.parseDouble(row[header.indexOf("ops_per_sim_second_ci95")]), 0.0005, where);
      assertEquals(lockPerOp, Double.parseDouble(row[header.indexOf("lock_wait_ns_per_op")]), 0.0005, where);
      assertEquals(faultsPerOp, Double.parseDouble(row[header.indexOf("faults_per_op")]), 0.0005, where);
      assertEquals(digests.get(0), row[header.indexOf("digest")], where);
      assertEquals("3", row[header.indexOf("seeds")], where);
      assertEquals("true", row[header.indexOf("complete")], where);
      assertEquals(3, new java.util.HashSet<>(digests).size(), "three seeds, three runs: " + where);
    }
    // per_task_efficiency: ops/s per thread over the same at 1 thread, within the variant.
    int eff = header.indexOf("per_task_efficiency");
    int rate = header.indexOf("ops_per_sim_second");
    for (String[] row : rows.subList(1, rows.size())) {
      String[] one = rows.stream().filter(r -> r[0].equals(row[0]) && r[1].equals("1")).findFirst().orElseThrow();
      double expected = Double.parseDouble(row[rate]) / Integer.parseInt(row[1]) / Double.parseDouble(one[rate]);
      assertEquals(expected, Double.parseDouble(row[eff]), 0.0005, Arrays.toString(row));
    }
    assertTrue(Double.parseDouble(rows.get(5)[eff]) < 0.9, "16 threads on one shared object do not scale");
    // With more than one thread the seeds' rates differ, so the interval is not 0.
    assertTrue(Double.parseDouble(rows.get(5)[header.indexOf("ops_per_sim_second_ci95")]) > 0, Arrays.toString(rows.get(5)));
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
