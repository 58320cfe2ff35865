package dfsim.app;

import dfsim.core.config.BadInputException;
import dfsim.core.metrics.MetricsReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The run of a planned experiment (an experiment file's, or a will-it-scale testcase's from
 * {@code scale}): independent runs in parallel ({@code --jobs}) or over a cluster, each run's
 * outputs written as it finishes, then results.csv and report.html. Results do not depend on
 * {@code --jobs}: every run is deterministic and rows are assembled in plan order.
 */
final class ExperimentRun {
  /** The plan's file in the output directory. */
  static final String PLAN = "experiment.json";

  private final ExperimentOptions o;

  private ExperimentRun(ExperimentOptions o) {
    this.o = o;
  }

  /**
   * Claims {@code --out} (or {@code out/<name>-<hash of the plan>/}) for {@code ex} and writes its
   * plan there first; returns the directory.
   */
  static Path claim(Experiment ex, ExperimentOptions o) {
    String plan = Outputs.jsonText(ex.planTree());
    Path dir = o.out != null ? o.out : Path.of("out", ex.name() + "-" + Simulation.hash(plan).substring(0, 8));
    OutputDir.claim(dir, PLAN, plan, o.force);
    Outputs.write(dir.resolve(PLAN), plan);
    return dir;
  }

  /** Checks the options that do not depend on the plan (engine, threads, jobs, nodes). */
  static void check(ExperimentOptions o) {
    o.parallel();
    if (o.nodes != null) {
      ClusterCommand.Cluster.check(o.nodes, o.threads, o.joinTimeout, "127.0.0.1:0");
    }
    Simulation.checkEngine(o.engine, o.threads);
  }

  /**
   * Runs the runs of {@code ex} not yet finished in {@code dir} (all of them unless
   * {@code resuming}) and writes the results; returns the exit code.
   */
  static Integer run(Experiment ex, Path dir, boolean resuming, ExperimentOptions o) throws InterruptedException {
    return new ExperimentRun(o).runAll(ex, dir, resuming);
  }

  private Integer runAll(Experiment ex, Path dir, boolean resuming) throws InterruptedException {
    int parallel = o.parallel();
    ClusterCommand.Cluster cluster = o.nodes == null ? null
        : ClusterCommand.Cluster.check(o.nodes, o.threads, o.joinTimeout, "127.0.0.1:0");
    List<Experiment.Point> points = ex.points();
    // By identity: each run is one object of the plan.
    Map<Experiment.Run, MetricsReport> finished = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
    List<Experiment.Run> todo = new ArrayList<>();
    for (Experiment.Point p : points) {
      for (Experiment.Run r : p.runs()) {
        MetricsReport kept = resuming ? finishedRun(Experiment.runDir(dir, p, r), r) : null;
        if (kept != null) {
          finished.put(r, kept);
        } else {
          todo.add(r);
        }
      }
    }
    int total = finished.size() + todo.size();
    int resumed = finished.size();
    Interrupts.onInterrupt(() -> keepFinished(ex, dir, finished, total));
    java.util.concurrent.atomic.AtomicLong runsDone = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong events = new java.util.concurrent.atomic.AtomicLong();
    try (ProgressReporter bar = o.quiet ? null : new ProgressReporter("runs", todo.size(), runsDone::get, events::get)) {
      if (cluster == null) {
        runLocally(ex, dir, todo, parallel, finished, runsDone, events);
      } else {
        runOnCluster(cluster, ex, dir, todo, finished, runsDone);
      }
    } catch (ExecutionException e) {
      Interrupts.parkIfInterrupted();
      System.err.println("dfsim: run failed: " + Main.describe(e.getCause()));
      return Main.RUN_FAILED;
    } catch (BadInputException e) {
      throw e;
    } catch (RuntimeException e) {
      Interrupts.parkIfInterrupted();
      System.err.println("dfsim: run failed: " + Main.describe(e));
      return Main.RUN_FAILED;
    }
    List<Map<String, Object>> rows = writeResults(ex, dir, finished);
    if (!o.quiet) {
      System.out.print(Results.table(rows, ex.sweepKeys()));
      if (resuming) {
        System.out.println("resumed: " + resumed + " of " + total + " runs were kept, " + todo.size() + " run now");
      }
      System.out.println("results: " + dir.resolve("results.csv"));
    }
    return Main.OK;
  }

  /**
   * Returns the report of a run already in {@code runDir}: its three files present and its
   * config.conf the plan's; null when it must run.
   */
  @SuppressWarnings("unchecked")
  private static MetricsReport finishedRun(Path runDir, Experiment.Run r) {
    try {
      if (!java.nio.file.Files.isRegularFile(runDir.resolve("cpus.csv"))
          || !java.nio.file.Files.readString(runDir.resolve("config.conf")).equals(Simulation.render(r.config()))) {
        return null;
      }
      Map<String, Object> tree = new com.fasterxml.jackson.databind.ObjectMapper()
          .readValue(runDir.resolve("metrics.json").toFile(), java.util.LinkedHashMap.class);
      return MetricsReport.of(tree);
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  /** Writes results.csv and report.html from the finished runs; returns the rows. */
  private static List<Map<String, Object>> writeResults(Experiment ex, Path dir,
      Map<Experiment.Run, MetricsReport> finished) {
    List<Map<String, Object>> rows = new ArrayList<>();
    List<Long> tasks = new ArrayList<>();
    for (Experiment.Point p : ex.points()) {
      List<MetricsReport> reports = new ArrayList<>();
      for (Experiment.Run r : p.runs()) {
        MetricsReport m = finished.get(r);
        if (m != null) {
          reports.add(m);
        }
      }
      if (!reports.isEmpty()) {
        rows.add(Results.row(p, ex.sweepKeys(), reports, p.runs().size()));
        com.typesafe.config.Config c = p.runs().get(0).config();
        tasks.add(c.getLong("workload.processes") * c.getLong("workload.threads"));
      }
    }
    Results.addEfficiency(rows, ex.sweepKeys(), tasks);
    Outputs.writeCsv(dir.resolve("results.csv"), rows);
    List<String> variants = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      if (!variants.contains((String) row.get("variant"))) {
        variants.add((String) row.get("variant"));
      }
    }
    Map<String, Map<String, Long>> profiles = variantProfiles(ex, dir, finished);
    profiles.forEach((variant, folded) -> Outputs.write(dir.resolve("profile-" + variant + ".folded"),
        Profiles.text(folded)));
    Outputs.write(dir.resolve("report.html"),
        Report.experiment("dfsim experiment: " + ex.name(), rows, ex.sweepKeys(), variants, profiles));
    return rows;
  }

  /**
   * Each variant's kernel profile: the profile.folded of its finished runs at its last sweep
   * point (the most tasks, in a scale), summed over the seeds. Variants with none (profiles off)
   * are left out.
   */
  private static Map<String, Map<String, Long>> variantProfiles(Experiment ex, Path dir,
      Map<Experiment.Run, MetricsReport> finished) {
    Map<String, Experiment.Point> last = new java.util.LinkedHashMap<>();
    ex.points().forEach(p -> last.put(p.variant(), p));
    Map<String, Map<String, Long>> out = new java.util.LinkedHashMap<>();
    last.forEach((variant, p) -> {
      Map<String, Long> sum = new java.util.TreeMap<>();
      for (Experiment.Run r : p.runs()) {
        Path f = Experiment.runDir(dir, p, r).resolve("profile.folded");
        if (finished.containsKey(r) && java.nio.file.Files.isRegularFile(f)) {
          Profiles.read(f).forEach((stack, ns) -> sum.merge(stack, ns, Long::sum));
        }
      }
      if (!sum.isEmpty()) {
        out.put(variant, sum);
      }
    });
    return out;
  }

  /** On an interrupt: results.csv of the finished runs, and the line saying so. */
  private static String keepFinished(Experiment ex, Path dir, Map<Experiment.Run, MetricsReport> finished, int total) {
    int kept = finished.size();
    if (kept == 0) {
      return "experiment interrupted before any of its " + total + " runs finished; ./dfsim experiment --resume "
          + dir + " runs them";
    }
    writeResults(ex, dir, finished);
    return "experiment interrupted: " + kept + " of " + total + " runs kept in " + dir.resolve("runs")
        + ", results.csv lists them (complete = false where a point lacks seeds); ./dfsim experiment --resume "
        + dir + " runs the other " + (total - kept);
  }

  /** Writes a finished run's outputs and records it, both before an interrupt can look. */
  private static void keep(Experiment ex, Path dir, Experiment.Run r, MetricsReport m,
      Map<Experiment.Run, MetricsReport> finished) {
    Interrupts.writing().lock();
    try {
      Simulation.write(Experiment.runDir(dir, ex.pointOf(r), r), Simulation.render(r.config()), m);
      finished.put(r, m);
    } finally {
      Interrupts.writing().unlock();
    }
  }

  /** Runs {@code todo} in this JVM, {@code parallel} at a time, keeping each as it finishes. */
  private void runLocally(Experiment ex, Path dir, List<Experiment.Run> todo, int parallel,
      Map<Experiment.Run, MetricsReport> finished, java.util.concurrent.atomic.AtomicLong runsDone,
      java.util.concurrent.atomic.AtomicLong events) throws ExecutionException, InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Experiment.Run r : todo) {
        futures.add(pool.submit(() -> {
          MetricsReport m = Experiment.execute(r, o.engine, o.threads);
          keep(ex, dir, r, m, finished);
          events.addAndGet(m.events());
          runsDone.incrementAndGet();
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Runs each of {@code todo} whole on one worker node of a local cluster of {@code --nodes}
   * JVMs; the reports are identical to those of a local run.
   */
  @SuppressWarnings("unchecked")
  private void runOnCluster(ClusterCommand.Cluster cluster, Experiment ex, Path dir, List<Experiment.Run> todo,
      Map<Experiment.Run, MetricsReport> finished, java.util.concurrent.atomic.AtomicLong runsDone) {
    if (todo.isEmpty()) {
      return;
    }
    List<dfsim.core.actors.ClusterEngine.Point> shipped = new ArrayList<>();
    for (Experiment.Run r : todo) {
      String text = Simulation.render(r.config());
      shipped.add(new dfsim.core.actors.ClusterEngine.Point(r.name(), text, Simulation.hash(text)));
    }
    List<String> texts;
    try (ClusterCommand.Cluster.Session session = cluster.start(com.typesafe.config.ConfigFactory.empty(), true)) {
      texts = dfsim.core.actors.ClusterEngine.runPoints(session.node(), o.nodes - 1, cluster.joinTimeout(),
          Main.version(), o.engine, o.threads, shipped, runsDone::incrementAndGet);
    }
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (int k = 0; k < todo.size(); k++) {
      try {
        NodeCommand.Shipped back = json.readValue(texts.get(k), NodeCommand.Shipped.class);
        keep(ex, dir, todo.get(k), MetricsReport.of(back.metrics(), back.profile()), finished);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("a worker sent unreadable metrics: " + e.getMessage(), e);
      }
    }
  }
}
