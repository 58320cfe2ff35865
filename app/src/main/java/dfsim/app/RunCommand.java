package dfsim.app;

import dfsim.core.metrics.MetricsReport;
import dfsim.core.sim.Engine;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

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

  @Mixin
  RunOptions run;

  @Option(names = "--serve", description = "serves a live view on 127.0.0.1 while the run goes on")
  boolean serve;

  @Option(names = "--port", defaultValue = "8642",
      description = "port of the live view; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--serve-after", description = "keeps the live view up after the run, until Ctrl-C (implies --serve)")
  boolean serveAfter;

  @Override
  public Integer call() {
    Simulation.checkEngine(engine, threads);
    Simulation sim = run.prepare();
    Engine e = sim.engine(engine, threads);
    OutputDir out = run.claim(sim);
    try {
      Path dir = out.path();
      MetricsReport report;
      LiveServer live = serve || serveAfter ? new LiveServer(sim, e.name(), port) : null;
      try {
        dfsim.core.sim.Progress progress = live != null ? live.progress() : new dfsim.core.sim.Progress();
        long endNs = sim.built().sim().endTimeNs();
        Interrupts.onInterrupt(() -> {
          out.releaseIfUnused();
          return "run interrupted at " + Interrupts.simulated(progress.simulatedNs(), endNs)
              + " simulated; nothing written" + (out.created() ? "" : " to " + dir);
        });
        if (live != null) {
          // Before anything else on stdout, so that a reader of the first line finds it.
          System.out.println("live view: " + live.url());
          System.out.flush();
        }
        try (ProgressReporter bar = run.quiet ? null
            : new ProgressReporter("ns", sim.built().sim().endTimeNs(), progress::simulatedNs, progress::events)) {
          report = sim.run(e, progress);
        } catch (RuntimeException ex) {
          Interrupts.parkIfInterrupted();
          String why = Main.describe(ex);
          if (live != null) {
            live.failed(why);
          }
          System.err.println("dfsim: run failed: " + why);
          return Main.RUN_FAILED;
        }
        write(sim, dir, report);
        if (live != null) {
          live.completed(report.digest());
        }
        print(dir, report, run.quiet);
        if (serveAfter) {
          Interrupts.onInterrupt(() -> "live view stopped; the run's outputs are in " + dir);
          System.err.println("live view stays up at " + live.url() + " until Ctrl-C");
          awaitInterrupt();
        }
        return Main.OK;
      } finally {
        if (live != null) {
          live.close();
        }
      }
    } finally {
      // A run that wrote nothing (failed, refused) leaves no directory it created.
      out.releaseIfUnused();
    }
  }

  /** Writes a run's outputs, the same for a run on one JVM or on a cluster. */
  static void write(Simulation sim, Path dir, MetricsReport report) {
    sim.write(dir, report);
    long cut = Timelines.cutAt(report.timeline(), report.freePages());
    if (cut >= 0) {
      System.err.println("dfsim: trace.json stops at " + cut + " ns of simulated time: the window needs more than "
          + dfsim.core.config.SimSettings.MAX_TRACE_SLICES + " slices and IPI arrows or "
          + dfsim.core.config.SimSettings.MAX_TRACE_COUNTER_SAMPLES + " free-page samples; narrow --trace");
    }
    Outputs.write(dir.resolve("report.html"),
        Report.run("dfsim run: " + sim.name() + ", seed " + sim.seed(), report.tree(), sim.renderedConfig(),
            report.profile()));
  }

  /** Prints a run's per-CPU table and, last, the digest line. */
  static void print(Path dir, MetricsReport report, boolean quiet) {
    if (!quiet) {
      ConsoleTable.print(report, System.out);
      System.out.println("outputs: " + dir);
    }
    System.out.println("result digest: " + report.digest());
    System.out.flush();
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
