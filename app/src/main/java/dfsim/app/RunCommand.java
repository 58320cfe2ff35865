package dfsim.app;

import dfsim.core.metrics.MetricsReport;
import dfsim.core.sim.Engine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dfsim run}: one configuration, one seed, per-CPU metrics. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Runs one simulation and writes config.conf, metrics.json, cpus.csv and report.html.")
final class RunCommand implements Callable<Integer> {
  @Option(names = "--engine", defaultValue = "actors",
      description = "actors | sequential (default: ${DEFAULT-VALUE})")
  String engine;

  @Option(names = "--threads", defaultValue = "1",
      description = "dispatcher threads of the actor engine (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--seed", description = "overrides sim.seed")
  Long seed;

  @Option(names = "--out", description = "output directory (default: out/<config>-<seed>/)")
  Path out;

  @Option(names = "-D", paramLabel = "key=value", description = "overrides one config key")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--quiet", description = "prints only the digest line")
  boolean quiet;

  @Option(names = "--serve", description = "serves a live view on 127.0.0.1 while the run goes on")
  boolean serve;

  @Option(names = "--port", defaultValue = "8642",
      description = "port of the live view; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--serve-after", description = "keeps the live view up after the run, until Ctrl-C (implies --serve)")
  boolean serveAfter;

  @Parameters(arity = "0..1", paramLabel = "CONFIG",
      description = "HOCON config file (default: the embedded conf/default.conf)")
  Path config;

  @Override
  public Integer call() {
    Simulation.checkEngine(engine, threads);
    Simulation sim = Simulation.prepare(config, overrides, seed);
    Engine e = sim.engine(engine, threads);
    Path dir = out != null ? out : Path.of("out", sim.name() + "-" + sim.seed());
    Outputs.checkWritable(dir);
    MetricsReport report;
    LiveServer live = serve || serveAfter ? new LiveServer(sim, e.name(), port) : null;
    try {
      dfsim.core.sim.Progress progress = live != null ? live.progress() : new dfsim.core.sim.Progress();
      if (live != null) {
        // Before anything else on stdout, so that a reader of the first line finds it.
        System.out.println("live view: " + live.url());
        System.out.flush();
      }
      try (ProgressReporter bar = quiet ? null
          : new ProgressReporter("ns", sim.built().sim().endTimeNs(), progress::simulatedNs, progress::events)) {
        report = sim.run(e, progress);
      } catch (RuntimeException ex) {
        String why = Main.describe(ex);
        if (live != null) {
          live.failed(why);
        }
        System.err.println("dfsim: run failed: " + why);
        return Main.RUN_FAILED;
      }
      sim.write(dir, report);
      Outputs.write(dir.resolve("report.html"),
          Report.run("dfsim run: " + sim.name() + ", seed " + sim.seed(), report.tree(), sim.renderedConfig()));
      if (live != null) {
        live.completed(report.digest());
      }
      if (!quiet) {
        ConsoleTable.print(report, System.out);
        System.out.println("outputs: " + dir);
      }
      System.out.println("result digest: " + report.digest());
      System.out.flush();
      if (serveAfter) {
        System.err.println("live view stays up at " + live.url() + " until Ctrl-C");
        awaitInterrupt();
      }
      return Main.OK;
    } finally {
      if (live != null) {
        live.close();
      }
    }
  }

  /** Blocks until the JVM is told to stop (Ctrl-C, SIGTERM). */
  private static void awaitInterrupt() {
    java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "dfsim-serve-stop"));
    try {
      stop.await();
    } catch (InterruptedException ignored) {
      Thread.currentThread().interrupt();
    }
  }
}
