package dfsim.app;

import dfsim.core.config.BadInputException;
import dfsim.core.metrics.MetricsReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dfsim experiment}: runs every variant x sweep point x seed, independent runs in
 * parallel ({@code --jobs}), and writes results.csv plus each run's outputs under
 * {@code runs/}. Results do not depend on {@code --jobs}: every run is deterministic and rows are
 * assembled in plan order.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = "Runs variants x sweep x seeds and writes results.csv and report.html.")
final class ExperimentCommand implements Callable<Integer> {
  @Option(names = "--engine", defaultValue = "sequential",
      description = "actors | sequential (default: ${DEFAULT-VALUE}: the points are the parallelism)")
  String engine;

  @Option(names = "--threads", defaultValue = "1", description = "actor engine threads per run")
  int threads;

  @Option(names = "--jobs", description = "runs in parallel (default: the number of cores)")
  Integer jobs;

  @Option(names = "--nodes", description = "spread the points over a cluster of N JVMs")
  Integer nodes;

  @Option(names = "--join-timeout", defaultValue = "60", paramLabel = "SECONDS",
      description = "with --nodes: fails when the workers have not all joined within this many seconds (default: ${DEFAULT-VALUE})")
  int joinTimeout;

  @Option(names = "--out", description = "output directory (default: out/<config>-<hash of the plan>/)")
  Path out;

  @Option(names = "--force", description = "writes into --out even if it holds another experiment's outputs")
  boolean force;

  @Option(names = "--resume", paramLabel = "DIR",
      description = "finishes the interrupted experiment in DIR: runs only its missing runs (no CONFIG, -D or --out)")
  Path resume;

  @Option(names = "-D", paramLabel = "key=value", description = "overrides one config key in every run")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--quiet", description = "prints nothing but errors")
  boolean quiet;

  @Parameters(arity = "0..1", paramLabel = "CONFIG", description = "experiment HOCON file")
  Path config;

  /** The plan's file in the output directory. */
  static final String PLAN = "experiment.json";

  @Override
  public Integer call() throws InterruptedException {
    int parallel = jobs == null ? Runtime.getRuntime().availableProcessors() : jobs;
    if (parallel < 1) {
      throw new BadInputException("--jobs " + parallel + ": must be >= 1");
    }
    ClusterCommand.Cluster cluster = nodes == null ? null
        : ClusterCommand.Cluster.check(nodes, threads, joinTimeout, "127.0.0.1:0");
    Simulation.checkEngine(engine, threads);
    Experiment ex;
    Path dir;
    if (resume != null) {
      if (config != null || !overrides.isEmpty() || out != null || force) {
        throw new BadInputException("--resume " + resume + ": takes no CONFIG, -D, --out or --force; the "
            + "experiment's plan is in " + resume.resolve(PLAN));
      }
      dir = resume;
      ex = readPlan(dir);
    } else {
      if (config == null) {
        throw new BadInputException("CONFIG: an experiment file is required (or --resume DIR)");
      }
      ex = Experiment.plan(config, overrides);
      String plan = Outputs.jsonText(ex.planTree());
      dir = out != null ? out : Path.of("out", ex.name() + "-" + Simulation.hash(plan).substring(0, 8));
      OutputDir.claim(dir, PLAN, plan, force);
      Outputs.write(dir.resolve(PLAN), plan);
    }

    List<Experiment.Point> points = ex.points();
    // By identity: each run is one object of the plan.
    Map<Experiment.Run, MetricsReport> finished = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
    List<Experiment.Run> todo = new ArrayList<>();
    for (Experiment.Point p : points) {
      for (Experiment.Run r : p.runs()) {
        MetricsReport kept = resume != null ? finishedRun(Experiment.runDir(dir, p, r), r) : null;
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
    try (ProgressReporter bar = quiet ? null : new ProgressReporter("runs", todo.size(), runsDone::get, events::get)) {
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
    if (!quiet) {
      System.out.print(Results.table(rows, ex.sweepKeys()));
      if (resume != null) {
        System.out.println("resumed: " + resumed + " of " + total + " runs were kept, " + todo.size() + " run now");
      }
      System.out.println("results: " + dir.resolve("results.csv"));
    }
    return Main.OK;
  }

  /** Reads the plan of the experiment in {@code dir}, or fails with one line. */
  @SuppressWarnings("unchecked")
  private static Experiment readPlan(Path dir) {
    Path plan = dir.resolve(PLAN);
    if (!java.nio.file.Files.isRegularFile(plan)) {
      throw new BadInputException("--resume " + dir + ": no " + PLAN + " there (not an experiment's output directory)");
    }
    try {
      return Experiment.fromPlan(new com.fasterxml.jackson.databind.ObjectMapper().readValue(plan.toFile(), Map.class));
    } catch (java.io.IOException e) {
      throw new BadInputException("--resume " + dir + ": cannot read " + PLAN + " (" + e.getMessage() + ")");
    }
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
    Outputs.write(dir.resolve("report.html"),
        Report.experiment("dfsim experiment: " + ex.name(), rows, ex.sweepKeys(), variants));
    return rows;
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
          MetricsReport m = Experiment.execute(r, engine, threads);
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
      texts = dfsim.core.actors.ClusterEngine.runPoints(session.node(), nodes - 1, cluster.joinTimeout(),
          Main.version(), engine, threads, shipped, runsDone::incrementAndGet);
    }
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (int k = 0; k < todo.size(); k++) {
      try {
        keep(ex, dir, todo.get(k), MetricsReport.of(json.readValue(texts.get(k), java.util.LinkedHashMap.class)),
            finished);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("a worker sent unreadable metrics: " + e.getMessage(), e);
      }
    }
  }
}
