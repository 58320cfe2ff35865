package dfsim.app;

import dfsim.core.actors.ClusterEngine;
import dfsim.core.actors.ClusterNode;
import dfsim.core.actors.NodeLost;
import dfsim.core.config.BadInputException;
import dfsim.core.metrics.MetricsReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

/**
 * {@code dfsim cluster}: one run on a Pekko cluster (docs/reference.md, Clusters). This JVM is the coordinator and
 * hosts no socket; it starts {@code --nodes - 1} worker JVMs on 127.0.0.1 (or, with
 * {@code --remote-workers}, waits for {@code dfsim node} JVMs on other hosts), which host whole
 * sockets. The outputs, table and digest line are those of {@code run}.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Runs one simulation on a cluster of JVMs: a coordinator and N-1 workers hosting whole sockets.")
final class ClusterCommand implements Callable<Integer> {
  @Option(names = "--nodes", required = true, description = "JVMs in the cluster, the coordinator included (>= 2)")
  int nodes;

  @Option(names = "--threads", defaultValue = "1",
      description = "dispatcher threads of each worker (default: ${DEFAULT-VALUE})")
  int threads;

  @Mixin
  RunOptions run;

  @Option(names = "--bind", defaultValue = "127.0.0.1:0", paramLabel = "HOST:PORT",
      description = "the coordinator's address; port 0 picks a free one (default: ${DEFAULT-VALUE})")
  String bind;

  @Option(names = "--remote-workers",
      description = "starts no worker JVM; waits for N-1 `dfsim node --seed` JVMs to join")
  boolean remoteWorkers;

  @Option(names = "--join-timeout", defaultValue = "60", paramLabel = "SECONDS",
      description = "fails when the workers have not all joined within this many seconds (default: ${DEFAULT-VALUE})")
  int joinTimeout;

  @Override
  public Integer call() {
    Cluster c = Cluster.check(nodes, threads, joinTimeout, bind);
    Simulation sim = run.prepare();
    int sockets = sim.built().topology().sockets();
    if (nodes - 1 > sockets) {
      throw new BadInputException("--nodes " + nodes + ": " + (nodes - 1) + " workers for " + sockets
          + " sockets; each worker hosts whole sockets, so at most " + (sockets + 1) + " nodes");
    }
    OutputDir out = run.claim(sim);
    try {
      Path dir = out.path();
      long t0 = System.nanoTime();
      try (Cluster.Session session = c.start(sim.config(), !remoteWorkers)) {
        ClusterEngine engine = new ClusterEngine(session.node(), nodes - 1, c.joinTimeout(), sim.renderedConfig(),
            sim.hash(), Main.version(), sim.built().topology().cpus(), sim.socketLps(), line -> {
              System.err.println("dfsim: " + line);
              System.err.flush();
            });
        dfsim.core.sim.Progress progress = new dfsim.core.sim.Progress();
        long endNs = sim.built().sim().endTimeNs();
        Interrupts.onInterrupt(() -> {
          out.releaseIfUnused();
          return "cluster run interrupted at " + Interrupts.simulated(progress.simulatedNs(), endNs)
              + " simulated; its worker JVMs stopped; nothing written";
        });
        MetricsReport report;
        try (ProgressReporter bar = run.quiet ? null
            : new ProgressReporter("ns", sim.built().sim().endTimeNs(), progress::simulatedNs, progress::events)) {
          report = sim.run(engine, progress);
        } catch (NodeLost lost) {
          Interrupts.parkIfInterrupted();
          writePartial(dir, sim, lost, (System.nanoTime() - t0) / 1_000_000);
          System.err.println("dfsim: run failed: " + lost.getMessage());
          return Main.RUN_FAILED;
        } catch (BadInputException e) {
          throw e;
        } catch (RuntimeException ex) {
          Interrupts.parkIfInterrupted();
          System.err.println("dfsim: run failed: " + Main.describe(ex));
          return Main.RUN_FAILED;
        }
        RunCommand.write(sim, dir, report);
        RunCommand.print(dir, report, run.quiet);
        return Main.OK;
      }
    } finally {
      // A run that wrote nothing (failed, refused) leaves no directory it created.
      out.releaseIfUnused();
    }
  }

  /**
   * Writes only metrics.json, saying the run is incomplete and how far it got (docs/reference.md, Clusters): the
   * lost node's LPs took their measurements with them, so no per-CPU figures are given.
   */
  private void writePartial(Path dir, Simulation sim, NodeLost lost, long wallMs) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("config", sim.name());
    info.put("seed", sim.seed());
    info.put("engine", "actors");
    info.put("nodes", nodes);
    info.put("version", Main.version());
    info.put("complete", false);
    info.put("simulated_ns", lost.simulatedNs());
    info.put("warmup_ns", sim.built().sim().warmupNs());
    info.put("events", lost.events());
    info.put("wall_ms", wallMs);
    info.put("digest", null);
    info.put("failure", lost.getMessage());
    Outputs.prepare(dir);
    Outputs.writeJson(dir.resolve("metrics.json"), Map.of("run", info));
  }

  /** The options every clustered command shares, checked before anything starts. */
  record Cluster(int nodes, int threads, Duration joinTimeout, HostPort bind) {
    static Cluster check(int nodes, int threads, int joinTimeoutS, String bind) {
      if (nodes < 2) {
        throw new BadInputException("--nodes " + nodes + ": must be >= 2 (a coordinator and at least one worker)");
      }
      Simulation.checkEngine("actors", threads);
      if (joinTimeoutS < 1) {
        throw new BadInputException("--join-timeout " + joinTimeoutS + ": must be >= 1 (seconds)");
      }
      return new Cluster(nodes, threads, Duration.ofSeconds(joinTimeoutS), HostPort.parse("--bind", bind));
    }

    /** Starts the coordinator node and, if {@code local}, its workers on 127.0.0.1. */
    Session start(com.typesafe.config.Config base, boolean local) {
      ClusterNode node;
      try {
        node = ClusterNode.coordinator(bind.host(), bind.port(), base);
      } catch (RuntimeException e) {
        throw new BadInputException("--bind " + bind + ": cannot listen there (" + e.getMessage() + ")");
      }
      if (!local) {
        System.err.println("dfsim: coordinator at " + node.seed() + "; start " + (nodes - 1)
            + " workers with: ./dfsim node --seed " + node.seed() + " --bind HOST:PORT");
        return new Session(node, null);
      }
      try {
        return new Session(node, LocalWorkers.start(nodes - 1, node.seed(), threads, joinTimeout));
      } catch (RuntimeException e) {
        node.close();
        throw e;
      }
    }

    /** A started coordinator and its local workers; closing stops them all. */
    record Session(ClusterNode node, LocalWorkers workers) implements AutoCloseable {
      @Override
      public void close() {
        node.close();
        if (workers != null) {
          workers.close();
        }
      }
    }
  }
}
