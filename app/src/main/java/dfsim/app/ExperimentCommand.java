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
    if (nodes != null) {
      throw new BadInputException("--nodes " + nodes + ": clustered experiments are not available in this version");
    }
    Simulation.checkEngine(engine, threads);
    Experiment ex = Experiment.plan(config, overrides);
    Path dir = out != null ? out : Path.of("out", ex.name());
    Outputs.checkWritable(dir);

    List<Experiment.Point> points = ex.points();
    List<List<Future<MetricsReport>>> futures = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    List<Map<String, Object>> rows = new ArrayList<>();
    java.util.concurrent.atomic.AtomicLong runsDone = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong events = new java.util.concurrent.atomic.AtomicLong();
    long runs = points.stream().mapToLong(p -> p.runs().size()).sum();
    try (ProgressReporter bar = quiet ? null : new ProgressReporter("runs", runs, runsDone::get, events::get)) {
      for (Experiment.Point p : points) {
        List<Future<MetricsReport>> fs = new ArrayList<>();
        for (Experiment.Run r : p.runs()) {
          fs.add(pool.submit(() -> {
            MetricsReport m = Experiment.execute(r, engine, threads);
            events.addAndGet(((Number) ((Map<?, ?>) m.tree().get("run")).get("events")).longValue());
            runsDone.incrementAndGet();
            return m;
          }));
        }
        futures.add(fs);
      }
      List<List<MetricsReport>> reports = new ArrayList<>();
      for (int i = 0; i < points.size(); i++) {
        List<MetricsReport> rs = new ArrayList<>();
        for (Future<MetricsReport> f : futures.get(i)) {
          rs.add(f.get());
        }
        reports.add(rs);
      }
      for (int i = 0; i < points.size(); i++) {
        Experiment.Point p = points.get(i);
        for (int s = 0; s < p.runs().size(); s++) {
          Experiment.Run r = p.runs().get(s);
          Simulation.write(Experiment.runDir(dir, p, r), Simulation.render(r.config()), reports.get(i).get(s));
        }
        rows.add(Results.row(p, ex.sweepKeys(), reports.get(i)));
      }
    } catch (ExecutionException e) {
      System.err.println("dfsim: run failed: " + Main.describe(e.getCause()));
      return Main.RUN_FAILED;
    } finally {
      pool.shutdownNow();
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
}
