package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what Ctrl-C's SIGINT does too) to whole dfsim processes: one line saying what was
 * interrupted and kept, exit 130, no file half-written; an interrupted experiment keeps its
 * finished runs and {@code --resume} completes it with the results of an uninterrupted one.
 */
final class InterruptTest {
  private static final String DEFAULT = Path.of("../conf/default.conf").toAbsolutePath().toString();

  @TempDir
  Path tmp;

  @Test
  void anInterruptedExperimentKeepsItsFinishedRunsAndResumeFinishesIt() throws Exception {
    Path file = tmp.resolve("seeds.conf");
    Files.writeString(file, "include \"" + DEFAULT + "\"\nsim.end-time = 2ms\n"
        + "experiment.seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]\n");
    Path dir = tmp.resolve("interrupted");
    Path log = tmp.resolve("experiment.log");
    Process p = Jvm.start(log, "experiment", "--quiet", "--jobs", "1", "--out", dir.toString(), file.toString());
    try {
      long by = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (finishedRuns(dir) < 2) {
        assertTrue(p.isAlive() && System.nanoTime() < by, "two runs did not finish: " + Files.readString(log));
        Thread.sleep(10);
      }
      p.destroy();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the experiment did not end");
    } finally {
      p.destroyForcibly();
    }
    assertEquals(Interrupts.EXIT, p.exitValue(), Files.readString(log));
    List<String> err = Files.readString(log).strip().lines().toList();
    assertEquals(1, err.size(), "one line: " + err);
    int kept = finishedRuns(dir);
    assertTrue(kept >= 2 && kept < 16, kept + " runs kept");
    assertEquals("dfsim: experiment interrupted: " + kept + " of 16 runs kept in " + dir.resolve("runs")
        + ", results.csv lists them (complete = false where a point lacks seeds); ./dfsim experiment --resume "
        + dir + " runs the other " + (16 - kept), err.get(0));
    try (Stream<Path> all = Files.walk(dir)) {
      assertEquals(List.of(), all.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(), "no half-written file");
    }
    List<Map<String, String>> partial = csv(dir.resolve("results.csv"));
    assertEquals(1, partial.size());
    assertEquals(String.valueOf(kept), partial.get(0).get("seeds"));
    assertEquals("false", partial.get(0).get("complete"));

    Cli resumed = Cli.run("experiment", "--jobs", "2", "--resume", dir.toString());
    assertEquals(0, resumed.exit(), resumed.err());
    assertTrue(resumed.out().contains("resumed: " + kept + " of 16 runs were kept, " + (16 - kept) + " run now"),
        resumed.out());
    Path whole = tmp.resolve("whole");
    Cli once = Cli.run("experiment", "--quiet", "--jobs", "2", "--out", whole.toString(), file.toString());
    assertEquals(0, once.exit(), once.err());
    List<Map<String, String>> a = csv(dir.resolve("results.csv"));
    List<Map<String, String>> b = csv(whole.resolve("results.csv"));
    a.forEach(r -> Results.WALL_CLOCK.forEach(r::remove));
    b.forEach(r -> Results.WALL_CLOCK.forEach(r::remove));
    assertEquals(b, a, "resumed results equal an uninterrupted experiment's");
    assertEquals("true", a.get(0).get("complete"));
  }

  @Test
  void anInterruptedRunSaysHowFarItGotAndWritesNothing() throws Exception {
    Path out = tmp.resolve("run");
    Path log = tmp.resolve("run.log");
    Process p = Jvm.start(log, "run", "--engine", "sequential", "--out", out.toString(), "-D", "sim.end-time=5s", DEFAULT);
    try {
      awaitLine(p, log, "progress: ");
      p.destroy();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the run did not end");
    } finally {
      p.destroyForcibly();
    }
    assertEquals(Interrupts.EXIT, p.exitValue(), Files.readString(log));
    List<String> err = Files.readString(log).strip().lines().filter(l -> !l.startsWith("progress: ")).toList();
    assertEquals(1, err.size(), err.toString());
    assertTrue(err.get(0).matches("dfsim: run interrupted at \\d+\\.\\d{3} ms of 5000\\.000 ms simulated; nothing written"),
        err.get(0));
    assertFalse(Files.exists(out), "no output directory");
  }

  @Test
  void anInterruptedClusterStopsItsWorkersAndReportsNoLostNode() throws Exception {
    Path out = tmp.resolve("cluster");
    Path log = tmp.resolve("cluster.log");
    Process p = Jvm.start(log, "cluster", "--nodes", "2", "--out", out.toString(), "-D", "sim.end-time=5s", DEFAULT);
    List<ProcessHandle> workers = new ArrayList<>();
    try {
      awaitLine(p, log, "progress: ");
      workers.addAll(p.descendants().toList());
      assertFalse(workers.isEmpty(), "a worker JVM runs");
      p.destroy();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the cluster did not end");
      for (ProcessHandle w : workers) {
        assertTrue(w.onExit().get(20, TimeUnit.SECONDS) != null);
      }
    } finally {
      p.destroyForcibly();
      workers.forEach(ProcessHandle::destroyForcibly);
    }
    assertEquals(Interrupts.EXIT, p.exitValue(), Files.readString(log));
    List<String> lines = Files.readString(log).strip().lines().filter(l -> l.startsWith("dfsim: ")).toList();
    assertEquals(1, lines.size(), Files.readString(log));
    assertTrue(lines.get(0).startsWith("dfsim: cluster run interrupted at "), lines.get(0));
    assertTrue(lines.get(0).endsWith(" simulated; its worker JVMs stopped; nothing written"), lines.get(0));
    assertFalse(Files.exists(out), "no output directory");
  }

  @Test
  void anInterruptedBenchWritesNothing() throws Exception {
    Path out = tmp.resolve("bench");
    Path log = tmp.resolve("bench.log");
    Process p = Jvm.start(log, "bench", "--quick", "--out", out.toString());
    try {
      // Its first figure on stdout: the bench is measuring.
      java.io.BufferedReader stdout = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
      String first = stdout.readLine();
      assertTrue(first != null, "the bench printed a figure: " + Files.readString(log));
      p.destroy();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the bench did not end");
    } finally {
      p.destroyForcibly();
    }
    assertEquals(Interrupts.EXIT, p.exitValue(), Files.readString(log));
    assertEquals("dfsim: bench interrupted; nothing written to " + out, Files.readString(log).strip());
    assertFalse(Files.exists(out.resolve("bench.json")));
  }

  /** Waits until {@code log} has a line starting with {@code prefix}. */
  private static void awaitLine(Process p, Path log, String prefix) throws IOException, InterruptedException {
    long by = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (Files.readString(log).lines().noneMatch(l -> l.startsWith(prefix))) {
      assertTrue(p.isAlive() && System.nanoTime() < by, "no '" + prefix + "' line: " + Files.readString(log));
      Thread.sleep(20);
    }
  }

  /** Runs whose three files are all written. */
  private static int finishedRuns(Path dir) throws IOException {
    Path runs = dir.resolve("runs");
    if (!Files.isDirectory(runs)) {
      return 0;
    }
    try (Stream<Path> all = Files.walk(runs)) {
      return (int) all.filter(f -> f.getFileName().toString().equals("cpus.csv")).count();
    }
  }

  private static List<Map<String, String>> csv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    String[] head = lines.get(0).split(",", -1);
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < head.length; i++) {
        row.put(head[i], cells[i]);
      }
      rows.add(row);
    }
    return rows;
  }
}
