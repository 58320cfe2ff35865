package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dfsim run} end to end: outputs of docs/reference.md, the digest as the last line, one digest per
 * (config, seed), overrides that change what they should, and rates over the measured window.
 */
final class RunCommandTest {
  private static final String DEFAULT = "../conf/default.conf";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @Test
  void writesEveryOutputAndEndsWithTheDigest() throws IOException {
    Path out = tmp.resolve("o");
    Cli r = Cli.run("run", "--engine", "sequential", "--out", out.toString(), "-D", "sim.end-time=3ms", DEFAULT);
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.lastLine().matches("result digest: [0-9a-f]{64}"), r.lastLine());
    JsonNode m = JSON.readTree(out.resolve("metrics.json").toFile());
    for (String s : List.of("run", "cpus", "totals", "contention", "workload", "series")) {
      assertTrue(m.has(s), s);
    }
    assertEquals(r.digest(), m.get("run").get("digest").asText());
    assertEquals(16, m.get("cpus").size());
    assertEquals(17, Files.readAllLines(out.resolve("cpus.csv")).size());
    assertTrue(Files.readString(out.resolve("config.conf")).contains("cores-per-socket"));
    assertEquals(200, m.get("series").get("samples").asInt());
    try (var files = Files.list(out)) {
      assertEquals(List.of("config.conf", "cpus.csv", "metrics.json", "profile-cpus.folded", "profile.folded", "report.html"),
          files.map(f -> f.getFileName().toString()).sorted().toList(), "the outputs, no temporary files left");
    }
  }

  @Test
  void ratesExcludeWarmup() throws IOException {
    Path out = tmp.resolve("w");
    Cli r = Cli.run("run", "--out", out.toString(), "-D", "sim.end-time=4ms", "-D", "sim.warmup=1ms", DEFAULT);
    assertEquals(0, r.exit(), r.err());
    JsonNode w = JSON.readTree(out.resolve("metrics.json").toFile()).get("workload");
    long ops = w.get("ops_completed").asLong();
    assertEquals(ops / 3e-3, w.get("ops_per_sim_second").asDouble(), 1e-6);
    assertEquals(3_000_000, w.get("measured").get("window_ns").asLong());
    long total = JSON.readTree(out.resolve("metrics.json").toFile()).get("totals").get("faults").asLong();
    assertTrue(ops < total, ops + " ops after warm-up, " + total + " faults in all");
  }

  @Test
  void aDirectoryHoldingAnotherConfigurationsRunIsNotOverwritten() throws IOException {
    Path out = tmp.resolve("o");
    String[] a = {"run", "--quiet", "--out", out.toString(), "-D", "sim.end-time=1ms", DEFAULT};
    assertEquals(0, Cli.run(a).exit());
    String first = Files.readString(out.resolve("metrics.json"));
    assertEquals(0, Cli.run(a).exit(), "the same configuration writes its own directory again");

    Cli other = Cli.run("run", "--quiet", "--out", out.toString(), "-D", "sim.end-time=2ms", DEFAULT);
    assertEquals(2, other.exit(), other.err());
    assertTrue(other.err().strip().matches("dfsim: --out \\S+: holds the outputs of another configuration .*--force.*"),
        other.err());
    assertTrue(Files.readString(out.resolve("config.conf")).contains("end-time=\"1ms\""));

    Cli forced = Cli.run("run", "--quiet", "--force", "--out", out.toString(), "-D", "sim.end-time=2ms", DEFAULT);
    assertEquals(0, forced.exit(), forced.err());
    assertNotEquals(first, Files.readString(out.resolve("metrics.json")));
  }

  @Test
  void theDefaultDirectoryNamesTheConfigurationItsHashAndTheSeed() throws IOException {
    Simulation one = Simulation.prepare(Path.of(DEFAULT), List.of("sim.end-time=1ms"), 1L);
    Simulation two = Simulation.prepare(Path.of(DEFAULT), List.of("sim.end-time=1ms"), 2L);
    Simulation other = Simulation.prepare(Path.of(DEFAULT), List.of("sim.end-time=2ms"), 1L);
    assertEquals(one.shortHash(), two.shortHash(), "the seed is not hashed: it is in the name");
    assertNotEquals(one.shortHash(), other.shortHash());
    RunOptions o = new RunOptions();
    OutputDir d = o.claim(one);
    try {
      assertEquals(Path.of("out", "default-" + one.shortHash() + "-1"), d.path());
      assertTrue(one.shortHash().matches("[0-9a-f]{8}"));
    } finally {
      d.releaseIfUnused();
    }
  }

  @Test
  void aRunThatFailsExitsThreeAndLeavesNoDirectory() {
    Path out = tmp.resolve("o");
    Cli r = Cli.run("run", "--quiet", "--out", out.toString(), "-D", "workload.kind=alloc-pressure",
        "-D", "topology.memory-per-node=1M", "-D", "workload.alloc-pressure.pages-per-pass=4096",
        "-D", "sim.end-time=2ms", DEFAULT);
    assertEquals(3, r.exit(), r.err());
    assertEquals("dfsim: run failed: out of simulated memory: every node's free pages are in use "
        + "(raise topology.memory-per-node or lower the workload's footprint)", r.err().strip());
    assertTrue(!Files.exists(out), "no output directory");
    assertEquals("", r.out(), "no digest line");
  }

  /** `./dfsim run x.conf` in x.conf's own directory: its includes are looked for next to it. */
  @Test
  void aConfigGivenWithoutADirectoryFindsItsIncludesNextToIt() throws Exception {
    Files.writeString(tmp.resolve("base.conf"), "include \"" + Path.of(DEFAULT).toAbsolutePath() + "\"\n"
        + "sim.end-time = 1ms\n");
    Files.writeString(tmp.resolve("x.conf"), "include \"base.conf\"\n");
    Path log = tmp.resolve("x.log");
    Process p = new ProcessBuilder(ChildJvm.command(List.of("-Xmx512m"), List.of("run", "--quiet", "x.conf")))
        .directory(tmp.toFile()).redirectError(log.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), Files.readString(log));
    assertTrue(out.startsWith("result digest: "), out);
    // base.conf's end time was read: the include was found.
    assertEquals(1_000_000, JSON.readTree(Files.list(tmp.resolve("out")).findFirst().orElseThrow()
        .resolve("metrics.json").toFile()).get("run").get("simulated_ns").asLong());
  }

  @Test
  void oneConfigAndSeedGiveOneDigest() {
    Set<String> digests = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      digests.add(Simulation.prepare(Path.of(DEFAULT), List.of("sim.end-time=2ms"), null)
          .runOn("sequential", 1).digest());
    }
    assertEquals(1, digests.size(), digests.toString());
  }

  @Test
  void seedsAndOverridesChangeTheResult() throws IOException {
    String base = digest("--seed", "1");
    assertNotEquals(base, digest("--seed", "2"));
    assertEquals(base, digest("--seed", "1"));
    assertNotEquals(base, digest("--seed", "1", "-D", "latency.cross-socket=300ns"));

    // A slower cross-socket link lengthens the holds and waits of the process's map token,
    // which the default's 2013 kernel holds through every fault.
    long slow = tokenWait("vm_map", "-D", "latency.cross-socket=300ns");
    long fast = tokenWait("vm_map");
    assertTrue(slow > fast, slow + " vs " + fast);
    // Without the map token the threads wait on the shared object's token instead, and on
    // private objects on none.
    assertTrue(tokenWait("vm_object", "-D", "kernel.vm-fault.map-token=off") > 0);
    assertEquals(0, tokenWait("vm_object", "-D", "kernel.vm-fault.map-token=off",
        "-D", "workload.fault-storm.object=private"));
  }

  private String digest(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("run", "--quiet", "--out", dir(extra).toString(),
        "-D", "sim.end-time=2ms"));
    args.addAll(List.of(extra));
    args.add(DEFAULT);
    Cli r = Cli.run(args.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    return r.digest();
  }

  /** A directory per configuration: one holding another configuration's run is refused. */
  private Path dir(String... extra) {
    return tmp.resolve("d" + String.join("_", extra).replaceAll("[^A-Za-z0-9.=_-]", ""));
  }

  private long tokenWait(String lockClass, String... extra) throws IOException {
    digest(extra);
    return JSON.readTree(dir(extra).resolve("metrics.json").toFile()).get("contention").get(lockClass)
        .get("wait_ns").asLong();
  }

  /**
   * A run longer than a second reports progress on stderr, and not with --quiet. Both runs are
   * long (a minute of simulated time) and start together in JVMs of their own; once the loud one
   * has printed its first line, one second in, both are stopped 1.5 s later, whatever the
   * machine's speed.
   */
  @Test
  void runsLongerThanASecondReportProgressOnStderrUnlessQuiet() throws Exception {
    Path loudLog = tmp.resolve("loud.log");
    Path quietLog = tmp.resolve("quiet.log");
    Process loud = Jvm.start(loudLog, "run", "--engine", "sequential", "--out", tmp.resolve("p").toString(),
        "-D", "sim.end-time=60s", DEFAULT);
    Process quiet = Jvm.start(quietLog, "run", "--quiet", "--engine", "sequential", "--out",
        tmp.resolve("q").toString(), "-D", "sim.end-time=60s", DEFAULT);
    try {
      long by = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(loudLog).contains("progress: ")) {
        assertTrue(loud.isAlive() && System.nanoTime() < by, Files.readString(loudLog));
        Thread.sleep(20);
      }
      Thread.sleep(1500);
      assertTrue(quiet.isAlive(), "the quiet run is still going: " + Files.readString(quietLog));
    } finally {
      loud.destroy();
      quiet.destroy();
      assertTrue(loud.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && quiet.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
    }
    String line = Files.readString(loudLog).lines().filter(l -> l.startsWith("progress: ")).findFirst().orElseThrow();
    assertTrue(line.matches("progress: simulated \\d+\\.\\d{3} of 60000\\.000 ms \\( *\\d+%\\), [\\d,]+ events/s, ETA \\S+"),
        "a plain progress line when not on a terminal: " + line);
    assertEquals(List.of(), Files.readString(quietLog).lines().filter(l -> l.startsWith("progress")).toList(),
        "--quiet prints no progress");
  }
}
