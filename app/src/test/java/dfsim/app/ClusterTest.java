package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Clustered runs (docs/reference.md, Clusters) on real multi-JVM Pekko clusters on 127.0.0.1: the coordinator
 * in this JVM (or its own), workers in JVMs of their own. Every test bounds its time and leaves
 * no JVM behind.
 */
class ClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  /**
   * Two and three nodes give the digest of the sequential engine and of the one-JVM actor engine,
   * past several clock ticks (kernel.hz = 10000: one every 100 us), on the default storm, the
   * 48-core Opteron, and umtx mutexes held past the 100 us sleep cap (timeouts).
   */
  @ParameterizedTest(name = "{0} to {1} {2}")
  @CsvSource(delimiter = '|', value = {
      "../conf/default.conf | 400us | ",
      "../conf/topologies/opteron-48.conf | 200us | ",
      "../conf/default.conf | 400us | workload.kind=umtx-mutex,workload.umtx-mutex.hold=300us,workload.threads=8"})
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void clusterDigestEqualsOneJvm(String config, String end, String extra) throws IOException {
    List<String> d = new ArrayList<>(List.of("-D", "sim.end-time=" + end, "-D", "kernel.hz=10000",
        "-D", "kernel.umtx.timeout-max=100us"));
    if (extra != null) {
      for (String o : extra.split(",")) {
        d.addAll(List.of("-D", o.trim()));
      }
    }
    String sequential = Cli.run(concat(new String[] {"run", "--engine", "sequential", "--quiet",
        "--out", tmp.resolve("seq").toString(), config}, d)).digest();
    String actors = Cli.run(concat(new String[] {"run", "--engine", "actors", "--threads", "2", "--quiet",
        "--out", tmp.resolve("act").toString(), config}, d)).digest();
    assertEquals(sequential, actors);
    assertEquals(1, JSON.readTree(tmp.resolve("seq/metrics.json").toFile()).get("run").get("threads").asInt());
    assertEquals(2, JSON.readTree(tmp.resolve("act/metrics.json").toFile()).get("run").get("threads").asInt());
    if (extra != null) {
      JsonNode m = JSON.readTree(tmp.resolve("seq/metrics.json").toFile());
      assertTrue(m.get("totals").get("umtx_timeouts").asLong() > 0, "the sleeps time out");
    }
    for (int nodes : new int[] {2, 3}) {
      Path out = tmp.resolve("cluster-" + nodes);
      Cli c = Cli.run(concat(new String[] {"cluster", "--nodes", String.valueOf(nodes), "--quiet",
          "--out", out.toString(), config}, d));
      assertEquals(0, c.exit(), c.err());
      assertEquals(sequential, c.digest(), nodes + " nodes");
      JsonNode run = JSON.readTree(out.resolve("metrics.json").toFile()).get("run");
      assertEquals(nodes, run.get("nodes").asInt());
      assertEquals(nodes - 1, run.get("threads").asInt(), "the workers' dispatcher threads, one each");
      assertTrue(run.get("complete").asBoolean());
      // Each worker's hub runs its windows up to a granted bound: one worker's bound is the end of
      // the run (one epoch); two workers meet once per epoch, each epoch covering many windows.
      long rounds = run.get("rounds").asLong();
      long windows = run.get("windows").asLong();
      if (nodes == 2) {
        assertEquals(1, rounds, "one worker: one epoch");
      } else {
        assertTrue(rounds > 1 && rounds < windows, rounds + " epochs for " + windows + " windows");
      }
      assertTrue(run.get("join_ms").asLong() > 0 && run.get("join_ms").asLong() < run.get("wall_ms").asLong());
      @SuppressWarnings("unchecked")
      java.util.Map<String, String> headline = Report.headline(JSON.readValue(out.resolve("metrics.json").toFile(),
          java.util.Map.class));
      assertEquals(String.format(java.util.Locale.ROOT, "actors on %d JVMs, %d %s, %,d %s between JVMs", nodes, nodes - 1,
          nodes == 2 ? "thread" : "threads", rounds, rounds == 1 ? "epoch" : "epochs"), headline.get("engine"));
      assertTrue(headline.get("wall time").endsWith(String.format(java.util.Locale.ROOT,
          " (%,d ms of it for the workers to join)", run.get("join_ms").asLong())), headline.get("wall time"));
      assertTrue(c.err().contains("cluster formed: coordinator 127.0.0.1:"), c.err());
      // The same files as run, each complete.
      for (String f : List.of("config.conf", "metrics.json", "cpus.csv", "report.html")) {
        assertTrue(Files.size(out.resolve(f)) > 0, f);
      }
      assertEquals(Files.readString(tmp.resolve("seq/cpus.csv")), Files.readString(out.resolve("cpus.csv")));
    }
  }

  /**
   * Killing a worker JVM mid-run ends the run within 30 s of the loss: exit 3, one line naming
   * the node, only metrics.json with run.complete = false, and no JVM left running.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aLostWorkerEndsTheRunWithExit3AndAPartialMetricsFile() throws Exception {
    Path out = tmp.resolve("killed");
    Path log = tmp.resolve("cluster.log");
    Process cluster = Jvm.start(log, "cluster", "--nodes", "3", "--quiet", "--out", out.toString(),
        "../conf/default.conf");
    List<ProcessHandle> jvms = new ArrayList<>();
    try {
      long formedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(log).contains("cluster formed")) {
        assertTrue(cluster.isAlive(), "the cluster ended early: " + Files.readString(log));
        assertTrue(System.nanoTime() < formedBy, "no cluster formed within 60 s: " + Files.readString(log));
        Thread.sleep(100);
      }
      Thread.sleep(1000); // well into the run: the default config takes minutes on a cluster
      jvms.addAll(cluster.descendants().toList());
      assertEquals(2, jvms.size(), "two worker JVMs");
      ProcessHandle victim = jvms.get(0);
      victim.destroyForcibly();
      long killed = System.nanoTime();
      assertTrue(cluster.waitFor(60, TimeUnit.SECONDS), "the coordinator did not end");
      double seconds = (System.nanoTime() - killed) / 1e9;
      assertEquals(3, cluster.exitValue(), Files.readString(log));
      assertTrue(seconds <= 30, "ended " + seconds + " s after the loss");

      String err = Files.readString(log);
      List<String> failed = err.lines().filter(l -> l.startsWith("dfsim: run failed:")).toList();
      assertEquals(1, failed.size(), err);
      assertTrue(failed.get(0).matches("dfsim: run failed: node 127\\.0\\.0\\.1:\\d+ \\(socket \\d\\) was lost at simulated time \\d+ ns"),
          failed.get(0));
      String stdout = new String(cluster.getInputStream().readAllBytes());
      assertFalse(stdout.contains("result digest"), stdout);

      try (Stream<Path> files = Files.list(out)) {
        assertEquals(List.of("metrics.json"), files.map(p -> p.getFileName().toString()).sorted().toList());
      }
      JsonNode run = JSON.readTree(out.resolve("metrics.json").toFile()).get("run");
      assertFalse(run.get("complete").asBoolean());
      assertTrue(run.get("simulated_ns").asLong() > 0, run.toString());
      assertTrue(run.get("simulated_ns").asLong() < 50_000_000, run.toString());
      assertTrue(run.get("digest").isNull());
      assertEquals(1, JSON.readTree(out.resolve("metrics.json").toFile()).size(), "only the run section");

      long goneBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (jvms.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < goneBy) {
        Thread.sleep(100);
      }
      assertEquals(List.of(), jvms.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList(),
          "worker JVMs left running");
    } finally {
      cluster.destroyForcibly();
      jvms.forEach(ProcessHandle::destroyForcibly);
    }
  }

  /**
   * Stopping the coordinator, politely (Ctrl-C, SIGTERM) or not (SIGKILL), stops every worker JVM
   * it started: the interrupt hook in the one case (InterruptTest), the workers' watch on their
   * stdin in the other.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"SIGKILL"})
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void stoppingTheCoordinatorStopsItsWorkers(String signal) throws Exception {
    Path log = tmp.resolve("cluster.log");
    Process cluster = Jvm.start(log, "cluster", "--nodes", "3", "--quiet", "--out", tmp.resolve("out").toString(),
        "../conf/default.conf");
    List<ProcessHandle> jvms = new ArrayList<>();
    try {
      long formedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(log).contains("cluster formed")) {
        assertTrue(cluster.isAlive() && System.nanoTime() < formedBy, Files.readString(log));
        Thread.sleep(100);
      }
      jvms.addAll(cluster.descendants().toList());
      assertEquals(2, jvms.size(), "two worker JVMs");
      if (signal.equals("SIGTERM")) {
        cluster.destroy();
      } else {
        cluster.destroyForcibly();
      }
      assertTrue(cluster.waitFor(30, TimeUnit.SECONDS), "the coordinator did not end");
      long goneBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (jvms.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < goneBy) {
        Thread.sleep(100);
      }
      assertEquals(List.of(), jvms.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList(),
          "worker JVMs left running after " + signal);
    } finally {
      cluster.destroyForcibly();
      jvms.forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** An experiment's points spread over a cluster give the results and kernel profiles of a local run. */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void experimentOnAClusterEqualsALocalOne() throws IOException {
    String[] common = {"--quiet", "-D", "sim.end-time=1ms", "-D", "experiment.seeds=[1]",
        "-D", "sweep.workload.processes=[2,4]", "../conf/experiments/zone-pcpu.conf"};
    Cli local = Cli.run(concat(new String[] {"experiment", "--jobs", "2", "--out", tmp.resolve("local").toString()}, common));
    assertEquals(0, local.exit(), local.err());
    Cli clustered = Cli.run(concat(new String[] {"experiment", "--nodes", "3", "--out", tmp.resolve("cluster").toString()},
        common));
    assertEquals(0, clustered.exit(), clustered.err());
    List<Map<String, String>> a = csv(tmp.resolve("local/results.csv"));
    List<Map<String, String>> b = csv(tmp.resolve("cluster/results.csv"));
    assertEquals(4, a.size());
    assertEquals(a, b);
    // Each run's own outputs too, except how long it took.
    try (Stream<Path> runs = Files.walk(tmp.resolve("local/runs"))) {
      for (Path p : runs.filter(p -> p.getFileName().toString().equals("metrics.json")).toList()) {
        Path q = tmp.resolve("cluster/runs").resolve(tmp.resolve("local/runs").relativize(p));
        JsonNode x = JSON.readTree(p.toFile());
        JsonNode y = JSON.readTree(q.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) x.get("run")).remove("wall_ms");
        ((com.fasterxml.jackson.databind.node.ObjectNode) y.get("run")).remove("wall_ms");
        assertEquals(x, y, p.toString());
        for (String f : List.of("profile.folded", "profile-cpus.folded")) {
          assertEquals(Files.readString(p.resolveSibling(f)), Files.readString(q.resolveSibling(f)), f + " of " + p);
        }
      }
    }
    // And the variants' profiles the report's flame graphs draw.
    for (String v : List.of("profile-pcpu-off.folded", "profile-pcpu-on.folded")) {
      assertEquals(Files.readString(tmp.resolve("local").resolve(v)), Files.readString(tmp.resolve("cluster").resolve(v)), v);
    }
  }

  /** A node of another dfsim version is refused before the first window, on both sides, with one line. */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aNodeOfAnotherVersionIsRefused() throws Exception {
    Path clog = tmp.resolve("coordinator.log");
    Path nlog = tmp.resolve("node.log");
    // Port 0: the coordinator binds a free port and says which.
    Process coordinator = Jvm.start(clog, "cluster", "--nodes", "2", "--remote-workers", "--bind", "127.0.0.1:0",
        "--join-timeout", "60", "--quiet", "--out", tmp.resolve("refused").toString(), "../conf/default.conf");
    Process node = null;
    try {
      long by = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(clog).contains("coordinator at")) {
        assertTrue(coordinator.isAlive() && System.nanoTime() < by, Files.readString(clog));
        Thread.sleep(100);
      }
      java.util.regex.Matcher at = java.util.regex.Pattern.compile("coordinator at 127\\.0\\.0\\.1:(\\d+)")
          .matcher(Files.readString(clog));
      assertTrue(at.find(), Files.readString(clog));
      int port = Integer.parseInt(at.group(1));
      node = new ProcessBuilder(ChildJvm.command(List.of("-Xmx256m", "-D" + NodeCommand.VERSION_PROPERTY + "=0.0.0-other"),
          List.of("node", "--seed", "127.0.0.1:" + port))).redirectErrorStream(true).redirectOutput(nlog.toFile()).start();
      assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the node did not end");
      assertTrue(coordinator.waitFor(30, TimeUnit.SECONDS), "the coordinator did not end");
      assertEquals(2, node.exitValue(), Files.readString(nlog));
      assertEquals(2, coordinator.exitValue(), Files.readString(clog));
      assertTrue(Files.readString(nlog).contains("dfsim node: refused the run: dfsim version 0.0.0-other here, "),
          Files.readString(nlog));
      List<String> errs = Files.readString(clog).lines().filter(l -> l.startsWith("dfsim: node ")).toList();
      assertEquals(1, errs.size(), Files.readString(clog));
      assertTrue(errs.get(0).matches("dfsim: node 127\\.0\\.0\\.1:\\d+ refused the run: dfsim version 0\\.0\\.0-other here, .* on the coordinator"),
          errs.get(0));
      assertFalse(Files.exists(tmp.resolve("refused")), "nothing written");
    } finally {
      coordinator.destroyForcibly();
      if (node != null) {
        node.destroyForcibly();
      }
    }
  }

  /** A worker that finds no seed gives up after its bounded wait with exit 2 and one line. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aWorkerWithoutASeedGivesUp() throws Exception {
    // A port held bound for the whole test, where nothing speaks Pekko: no seed can answer there.
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      int port = silent.getLocalPort();
      long t0 = System.nanoTime();
      Cli c = Cli.run("node", "--seed", "127.0.0.1:" + port, "--join-timeout", "3");
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertEquals(2, c.exit(), c.err());
      assertTrue(c.err().contains("dfsim node: no seed answered at 127.0.0.1:" + port + " within 3 s"), c.err());
      assertTrue(seconds < 30, seconds + " s");
    }
  }

  /** Bad cluster input is one line and exit 2, before any JVM starts. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "cluster --nodes 4 ../conf/default.conf | --nodes 4: 3 workers for 2 sockets; each worker hosts whole sockets, so at most 3 nodes",
      "cluster --nodes 1 ../conf/default.conf | --nodes 1: must be >= 2 (a coordinator and at least one worker)",
      "cluster --nodes 2 --bind localhost ../conf/default.conf | --bind localhost: must be HOST:PORT",
      "cluster --nodes 2 --join-timeout 0 ../conf/default.conf | --join-timeout 0: must be >= 1 (seconds)",
      "experiment --nodes 1 ../conf/experiments/zone-pcpu.conf | --nodes 1: must be >= 2 (a coordinator and at least one worker)",
      "node --seed 127.0.0.1 | --seed 127.0.0.1: must be HOST:PORT",
      "node --seed 127.0.0.1:70000 | --seed 127.0.0.1:70000: the port must be 0..65535",
      "node --seed 127.0.0.1:1 --bind 127.0.0.1:x | --bind 127.0.0.1:x: the port must be a number 0..65535"})
  void badClusterInputIsOneLine(String args, String message) {
    Cli c = Cli.run(args.trim().split(" "));
    assertEquals(2, c.exit(), c.err());
    assertEquals("dfsim: " + message.trim() + "\n", c.err());
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }

  private static String[] concat(String[] a, List<String> b) {
    return concat(a, b.toArray(String[]::new));
  }

  private static List<Map<String, String>> csv(Path p) throws IOException {
    List<String> lines = Files.readAllLines(p);
    String[] head = lines.get(0).split(",");
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] v = line.split(",", -1);
      Map<String, String> row = new java.util.LinkedHashMap<>();
      for (int i = 0; i < head.length; i++) {
        if (!head[i].equals("wall_ms")) {
          row.put(head[i], v[i]);
        }
      }
      rows.add(row);
    }
    return rows.stream().collect(Collectors.toList());
  }
}
