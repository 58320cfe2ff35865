package dfsim.core.actors;

import dfsim.core.metrics.RunMetrics;
import dfsim.core.sim.Engine;
import dfsim.core.sim.EngineResult;
import dfsim.core.sim.Progress;
import dfsim.core.sim.SimModel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The actor engine spread over a cluster: this JVM is the coordinator node and hosts no LP; the
 * workers host whole sockets. Gives the same per-LP event order, hence the same results, as the
 * one-JVM engines.
 */
public final class ClusterEngine implements Engine {
  /** One experiment run to ship: its name, config.conf's text and that text's hash. */
  public record Point(String name, String config, String hash) {}

  private final ClusterNode node;
  private final int workers;
  private final Duration joinTimeout;
  private final ClusterRun.Shipment shipment;
  private final java.util.function.Consumer<String> say;
  private RunMetrics metrics;
  private int threads;

  /**
   * An engine on {@code node} with {@code workers} worker nodes (each must join within
   * {@code joinTimeout}) that build the model from {@code config} (whose hash is {@code hash},
   * made by dfsim {@code version}); {@code socketLps[s]} are socket s's LPs. {@code say} hears
   * one line once the cluster has formed.
   */
  public ClusterEngine(ClusterNode node, int workers, Duration joinTimeout, String config, String hash,
      String version, int cpus, int[][] socketLps, java.util.function.Consumer<String> say) {
    if (workers < 1 || workers > socketLps.length) {
      throw new IllegalArgumentException("workers must be 1.." + socketLps.length);
    }
    this.node = node;
    this.say = say;
    this.workers = workers;
    this.joinTimeout = joinTimeout;
    this.shipment = new ClusterRun.Shipment(config, hash, version, cpus, socketLps);
  }

  @Override
  public String name() {
    return "actors";
  }

  /** The dispatcher threads of all workers together, once the run has ended. */
  @Override
  public int threads() {
    return threads;
  }

  @Override
  public int nodes() {
    return workers + 1;
  }

  @Override
  public EngineResult run(SimModel model, Progress progress) {
    // The time reached on a loss is read from the progress; NONE is shared and would not tell.
    Progress p = progress == Progress.NONE ? new Progress() : progress;
    CompletableFuture<ClusterRun.Outcome> outcome = new CompletableFuture<>();
    node.system().systemActorOf(ClusterRun.create(model, shipment, workers, joinTimeout, p, outcome, say),
        "run", org.apache.pekko.actor.typed.Props.empty());
    ClusterRun.Outcome o = await(outcome);
    metrics = o.metrics();
    threads = o.threads();
    return o.result();
  }

  /** Returns the metrics the workers shipped, merged. */
  @Override
  public RunMetrics metrics(SimModel model, int cpus, long endNs) {
    if (metrics == null) {
      throw new IllegalStateException("the run has not ended");
    }
    return metrics;
  }

  /**
   * Runs experiment points on {@code workers} worker nodes of {@code node}, each whole on one
   * node, and returns their metrics.json texts in the order of {@code points}; {@code onDone}
   * runs once per finished point.
   */
  public static List<String> runPoints(ClusterNode node, int workers, Duration joinTimeout, String version,
      String engine, int threads, List<Point> points, Runnable onDone) {
    CompletableFuture<List<String>> outcome = new CompletableFuture<>();
    node.system().systemActorOf(ClusterPoints.create(points, version, engine, threads, workers, joinTimeout,
        onDone, outcome), "points", org.apache.pekko.actor.typed.Props.empty());
    return await(outcome);
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the cluster ran", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
