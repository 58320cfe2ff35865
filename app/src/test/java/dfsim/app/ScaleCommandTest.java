package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code dfsim scale}: a will-it-scale testcase under each kernel, as processes and as threads, at
 * each task count. Every run is the testcase with the kernel's preset and the mode's placement;
 * results.csv has a row per kernel x mode x tasks in that order, with will-it-scale's per-task
 * efficiency; an interrupted scale finishes with {@code experiment --resume}.
 */
final class ScaleCommandTest {
  @TempDir
  Path tmp;

  private Cli scale(Path out, String... args) {
    List<String> all = new ArrayList<>(List.of("scale", "--conf", "../conf", "--out", out.toString(), "--quiet",
        "-D", "sim.end-time=300us", "-D", "topology.cores-per-socket=2"));
    all.addAll(List.of(args));
    return Cli.run(all.toArray(String[]::new));
  }

  private static List<String[]> rows(Path out) throws IOException {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("results.csv"))) {
      rows.add(line.split(",", -1));
    }
    return rows;
  }

  @Test
  void eachRunIsTheTestcaseUnderItsKernelAndModeAndEachRowScalesAgainstOneTask() throws IOException {
    Path out = tmp.resolve("m");
    Cli r = scale(out, "--kernels", "afd7f124-parent,afd7f124", "pthread_mutex1");
    assertEquals(0, r.exit(), r.err());
    List<String[]> rows = rows(out);
    List<String> header = Arrays.asList(rows.get(0));
    assertEquals(List.of("variant", "tasks"), header.subList(0, 2));
    // Default tasks on 2 sockets x 2 cores: 1, 2 and the 4 CPUs.
    List<String> expected = new ArrayList<>();
    for (String k : List.of("afd7f124-parent", "afd7f124")) {
      for (String mode : List.of("processes", "threads")) {
        for (String t : List.of("1", "2", "4")) {
          expected.add(k + "-" + mode + " " + t);
        }
      }
    }
    assertEquals(expected, rows.subList(1, rows.size()).stream().map(x -> x[0] + " " + x[1]).toList());
    int rate = header.indexOf("ops_per_sim_second");
    int eff = header.indexOf("per_task_efficiency");
    for (String[] row : rows.subList(1, rows.size())) {
      String variant = row[0];
      int tasks = Integer.parseInt(row[1]);
      String[] one = rows.stream().filter(x -> x[0].equals(variant) && x[1].equals("1")).findFirst().orElseThrow();
      assertEquals(Double.parseDouble(row[rate]) / tasks / Double.parseDouble(one[rate]), Double.parseDouble(row[eff]),
          0.0005, Arrays.toString(row));
      Config c = ConfigFactory.parseFile(Experiment.runDir(out, new Experiment.Point(variant,
          java.util.Map.of(ScaleCommand.TASKS, row[1]), List.of()), new Experiment.Run(1, "", null))
          .resolve("config.conf").toFile());
      boolean processes = variant.endsWith("-processes");
      assertEquals(processes ? tasks : 1, c.getInt("workload.processes"), variant);
      assertEquals(processes ? 1 : tasks, c.getInt("workload.threads"), variant);
      assertEquals(variant.startsWith("afd7f124-parent") ? "fault-page" : "ptmap", c.getString("kernel.umtx.impl"));
      assertEquals(2, c.getInt("topology.cores-per-socket"), "-D wins over the testcase");
    }
    // One mutex per process scales; one mutex shared by 4 threads does not.
    assertEquals("1.000", rows.get(3)[eff]);
    assertTrue(Double.parseDouble(rows.get(6)[eff]) < 0.5, Arrays.toString(rows.get(6)));
  }

  @Test
  void aTopologyFileGivesItsBoxAndTheDefaultTasksFollowIt() throws IOException {
    Path topo = tmp.resolve("box.conf");
    Files.writeString(topo, "include file(\"" + Path.of("../conf/default.conf").toAbsolutePath() + "\")\n"
        + "topology { sockets = 1, dies-per-socket = 3, cores-per-socket = 3 }\nworkload.kind = zfod\n");
    Path out = tmp.resolve("t");
    Cli r = Cli.run("scale", "--conf", "../conf", "--out", out.toString(), "--quiet", "-D", "sim.end-time=200us",
        "--kernels", "e3c330f0", "--modes", "threads", "--topology", topo.toString(), "getppid1");
    assertEquals(0, r.exit(), r.err());
    List<String[]> rows = rows(out);
    assertEquals(List.of("1", "2", "3"), rows.subList(1, rows.size()).stream().map(x -> x[1]).toList());
    Config c = ConfigFactory.parseFile(out.resolve("runs/e3c330f0-threads__tasks=3/seed-1/config.conf").toFile());
    assertEquals(3, c.getInt("topology.cores-per-socket"));
    assertEquals("program", c.getString("workload.kind"), "only the file's topology keys are taken");
  }

  @Test
  void experimentResumeFinishesAScale() throws IOException {
    Path out = tmp.resolve("r");
    assertEquals(0, scale(out, "--kernels", "e3c330f0", "--tasks", "1,2", "futex1").exit());
    List<String> whole = Files.readAllLines(out.resolve("results.csv"));
    // As if interrupted before its last run finished.
    Path last = out.resolve("runs/e3c330f0-threads__tasks=2/seed-1");
    Files.delete(last.resolve("metrics.json"));
    Cli r = Cli.run("experiment", "--resume", out.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("resumed: 3 of 4 runs were kept, 1 run now"), r.out());
    assertTrue(Files.exists(last.resolve("metrics.json")));
    List<String> resumed = Files.readAllLines(out.resolve("results.csv"));
    int wall = Arrays.asList(whole.get(0).split(",")).indexOf("wall_ms");
    for (int i = 0; i < whole.size(); i++) {
      String[] a = whole.get(i).split(",", -1);
      String[] b = resumed.get(i).split(",", -1);
      a[wall] = "";
      b[wall] = "";
      assertEquals(Arrays.asList(a), Arrays.asList(b), "row " + i);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "page_fault9 | TESTCASE page_fault9: no ../conf/workloads/will-it-scale/page_fault9.conf; testcases: brk1, context_switch1, futex1,",
      "--kernels=2011 getppid1 | --kernels 2011: no ../conf/kernels/2011.conf; kernels: 501747bf,",
      "--modes=forks getppid1 | --modes forks: must be processes | threads",
      "--tasks=0 getppid1 | --tasks 0: must be in 1..65536",
      "--tasks=2,2 getppid1 | --tasks [2, 2]: each count once",
      "--seeds=1,1 getppid1 | --seeds [1, 1]: each seed once",
      "--kernels=e3c330f0 -D=workload.program.steps=[] getppid1 | kernel e3c330f0, 1 processes: workload.program.steps = []"})
  void badInputIsOneLineAndExitTwo(String args, String message) {
    List<String> all = new ArrayList<>(List.of("scale", "--conf", "../conf", "--out", tmp.resolve("b").toString()));
    for (String a : args.split(" ")) {
      all.addAll(Arrays.asList(a.startsWith("-") && a.contains("=") && !a.startsWith("-D=")
          ? a.split("=", 2) : a.startsWith("-D=") ? new String[] {"-D", a.substring(3)} : new String[] {a}));
    }
    Cli r = Cli.run(all.toArray(String[]::new));
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains(message), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(Files.notExists(tmp.resolve("b")), "nothing written");
  }
}
