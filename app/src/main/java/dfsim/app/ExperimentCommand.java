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

  @Option(names = "--out", description = "output directory (default: out/<config>/)")
  Path out;

  @Option(names = "-D", paramLabel = "key=value", description = "overrides one config key in every run")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--quiet", description = "prints nothing but errors")
  boolean quiet;

  @Parameters(arity = "1", paramLabel = "CONFIG", description = "experiment HOCON file")
  Path config;

  @Override
  public Integer call() throws InterruptedException {
    int parallel = jobs == null ? Runtime.getRuntime().availableProcessors() : jobs;
    if (parallel < 1) {
      throw new BadInputException("--jobs " + parallel + ": must be >= 1");
    }
    ClusterCommand.Cluster cluster = nodes == null ? null
        : ClusterCommand.Cluster.check(nodes, threads, joinTimeout, "127.0.0.1:0");
    Simulation.checkEngine(engine, threads);
    Experiment ex = Experiment.plan(config, overrides);
    Path dir = out != null ? out : Path.of("out", ex.name());
    Outputs.checkWritable(dir);

    List<Experiment.Point> points = ex.points();
    List<Map<String, Object>> rows = new ArrayList<>();
    java.util.concurrent.atomic.AtomicLong runsDone = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong events = new java.util.concurrent.atomic.AtomicLong();
    long runs = points.stream().mapToLong(p -> p.runs().size()).sum();
    List<List<MetricsReport>> reports;
    try (ProgressReporter bar = quiet ? null : new ProgressReporter("runs", runs, runsDone::get, events::get)) {
      reports = cluster == null
          ? runLocally(points, parallel, runsDone, events)
          : runOnCluster(cluster, points, runsDone);
    } catch (ExecutionException e) {
      System.err.println("dfsim: run failed: " + Main.describe(e.getCause()));
      return Main.RUN_FAILED;
    } catch (BadInputException e) {
      throw e;
    } catch (RuntimeException e) {
      System.err.println("dfsim: run failed: " + Main.describe(e));
      return Main.RUN_FAILED;
    }
    for (int i = 0; i < points.size(); i++) {
      Experiment.Point p = points.get(i);
      for (int s = 0; s < p.runs().size(); s++) {
        Experiment.Run r = p.runs().get(s);
        Simulation.write(Experiment.runDir(dir, p, r), Simulation.render(r.config()), reports.get(i).get(s));
      }
      rows.add(Results.row(p, ex.sweepKeys(), reports.get(i)));
    }
    Outputs.writeCsv(dir.resolve("results.csv"), rows);
    List<String> variants = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      if (!variants.contains((String) row.get("variant"))) {
        variants.add((String) row.get("variant"));
      }
    }
    Outputs.write(dir.resolve("report.html"),
        Report.experiment("dfsim experiment: " + ex.name(), rows, ex.sweepKeys(), variants));
    if (!quiet) {
      System.out.print(Results.table(rows, ex.sweepKeys()));
      System.out.println("results: " + dir.resolve("results.csv"));
    }
    return Main.OK;
  }

  /** Runs every run in this JVM, {@code parallel} at a time; reports in plan order. */
  private List<List<MetricsReport>> runLocally(List<Experiment.Point> points, int parallel,
      java.util.concurrent.atomic.AtomicLong runsDone, java.util.concurrent.atomic.AtomicLong events)
      throws ExecutionException, InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      List<List<Future<MetricsReport>>> futures = new ArrayList<>();
      for (Experiment.Point p : points) {
        List<Future<MetricsReport>> fs = new ArrayList<>();
        for (Experiment.Run r : p.runs()) {
          fs.add(pool.submit(() -> {
            MetricsReport m = Experiment.execute(r, engine, threads);
            events.addAndGet(m.events());
            runsDone.incrementAndGet();
            return m;
          }));
        }
        futures.add(fs);
      }
      List<List<MetricsReport>> reports = new ArrayList<>();
      for (List<Future<MetricsReport>> fs : futures) {
        List<MetricsReport> rs = new ArrayList<>();
        for (Future<MetricsReport> f : fs) {
          rs.add(f.get());
        }
        reports.add(rs);
      }
      return reports;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Runs every run whole on one worker node of a local cluster of {@code --nodes} JVMs; reports
   * in plan order, identical to those of a local run.
   */
  @SuppressWarnings("unchecked")
  private List<List<MetricsReport>> runOnCluster(ClusterCommand.Cluster cluster, List<Experiment.Point> points,
      java.util.concurrent.atomic.AtomicLong runsDone) {
    List<dfsim.core.actors.ClusterEngine.Point> shipped = new ArrayList<>();
    for (Experiment.Point p : points) {
      for (Experiment.Run r : p.runs()) {
        String text = Simulation.render(r.config());
        shipped.add(new dfsim.core.actors.ClusterEngine.Point(r.name(), text, Simulation.hash(text)));
      }
    }
    List<String> texts;
    try (ClusterCommand.Cluster.Session session = cluster.start(com.typesafe.config.ConfigFactory.empty(), true)) {
      texts = dfsim.core.actors.ClusterEngine.runPoints(session.node(), nodes - 1, cluster.joinTimeout(),
          Main.version(), engine, threads, shipped, runsDone::incrementAndGet);
    }
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<List<MetricsReport>> reports = new ArrayList<>();
    int k = 0;
    for (Experiment.Point p : points) {
      List<MetricsReport> rs = new ArrayList<>();
      for (int i = 0; i < p.runs().size(); i++) {
        try {
          rs.add(MetricsReport.of(json.readValue(texts.get(k++), java.util.LinkedHashMap.class)));
        } catch (java.io.IOException e) {
          throw new IllegalStateException("a worker sent unreadable metrics: " + e.getMessage(), e);
        }
      }
      reports.add(rs);
    }
    return reports;
  }
}
