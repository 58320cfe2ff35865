package dfsim.core.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dfsim.core.config.ConfigLoader;
import dfsim.core.sim.Engine;
import dfsim.core.sim.EngineResult;
import dfsim.core.sim.SimModel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The actor engine: one Pekko typed actor per LP on a dispatcher of {@code threads} threads, and
 * a coordinator running conservative windows (see {@link Coordinator}), on an actor system this
 * JVM keeps for runs with the same settings ({@link ActorSystems}). Gives the sequential engine's
 * per-LP event order, hence its results, for any thread count.
 */
public final class ActorEngine implements Engine {
  /**
   * The dispatcher the LP actors and the coordinator run on: the default one, so that no message
   * of a window crosses between thread pools (each crossing parks and wakes a thread).
   */
  static final String DISPATCHER = ConfigLoader.ENGINE_DISPATCHER;

  private final int threads;
  private final Config base;
  private final long windowSlackNs;

  /** An engine with {@code threads} dispatcher threads over {@code base} (a run's config). */
  public ActorEngine(int threads, Config base) {
    this(threads, base, 0);
  }

  /**
   * For tests only: widens every window by {@code windowSlackNs} beyond what is safe, so that the
   * engine's detection of out-of-order delivery can be shown to work.
   */
  ActorEngine(int threads, Config base, long windowSlackNs) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1");
    }
    this.threads = threads;
    this.base = base;
    this.windowSlackNs = windowSlackNs;
  }

  /**
   * Returns the settings that give the default dispatcher {@code threads} threads: one thread is
   * a {@link LoopExecutor}, more a fork-join pool.
   */
  static Config dispatcher(int threads) {
    return ConfigFactory.parseString(DISPATCHER + " { "
        + (threads == 1 ? "executor = \"" + LoopExecutor.Configurator.class.getName() + "\", " : "")
        + "thread-pool-executor.fixed-pool-size = " + threads + ", "
        + "fork-join-executor { parallelism-min = " + threads + ", parallelism-max = " + threads + " }, "
        + "affinity-pool-executor { parallelism-min = " + threads + ", parallelism-max = " + threads + " } }");
  }

  /** The dispatcher threads the settings of {@link #dispatcher} give, read back from a system's config. */
  static int threadsOf(Config config) {
    return config.getInt(DISPATCHER + ".thread-pool-executor.fixed-pool-size");
  }

  @Override
  public int threads() {
    return threads;
  }

  @Override
  public String name() {
    return "actors";
  }

  @Override
  public EngineResult run(SimModel model, dfsim.core.sim.Progress progress) {
    Config config = dispatcher(threads).withFallback(base).withFallback(ConfigFactory.defaultReference()).resolve();
    CompletableFuture<EngineResult> result = new CompletableFuture<>();
    ActorSystem<ActorSystems.Start> system = ActorSystems.take(threads, config);
    system.getWhenTerminated().thenRun(() ->
        result.completeExceptionally(new IllegalStateException("the actor system stopped before the run ended")));
    system.tell(new ActorSystems.Start(model, result, windowSlackNs, progress));
    boolean ended = false;
    try {
      EngineResult r = result.get();
      ended = true;
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the simulation ran", e);
    } catch (ExecutionException | CompletionException e) {
      ended = true;
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      if (ended && !system.whenTerminated().isCompleted()) {
        // The run's coordinator and LPs have stopped: the next run may use the system.
        ActorSystems.give(threads, config, system);
      } else {
        // Interrupted mid-run: its actors may still be running; stop them with their system.
        system.terminate();
        try {
          system.getWhenTerminated().toCompletableFuture().get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
          // already terminating; nothing left to release
        }
      }
    }
  }
}
