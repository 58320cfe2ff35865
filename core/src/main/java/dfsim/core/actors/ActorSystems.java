package dfsim.core.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dfsim.core.sim.EngineResult;
import dfsim.core.sim.Progress;
import dfsim.core.sim.SimModel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The actor systems of the one-JVM actor engine, kept for the JVM's life: an experiment's runs
 * and the bench's rounds reuse them instead of starting and stopping one per run (a system's
 * start and stop cost more than a short run's windows). A system serves one run at a time, so
 * runs made in parallel each get their own dispatcher threads, as before; systems are told apart
 * by their dispatcher size and the run config's {@code pekko} settings.
 */
final class ActorSystems {
  /**
   * Starts a run: its coordinator is spawned as the guardian's child. It never leaves the JVM,
   * so {@code serialize-messages} (which the tests turn on) leaves it alone.
   */
  record Start(SimModel model, CompletableFuture<EngineResult> result, long windowSlackNs, Progress progress)
      implements org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  private static final Config KEPT = ConfigFactory.parseString(
      "pekko.daemonic = on\npekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off");
  private static final Map<String, Deque<ActorSystem<Start>>> IDLE = new HashMap<>();
  private static int created;

  private ActorSystems() {}

  /** A system with {@code threads} dispatcher threads over {@code config}, idle, for one run. */
  static synchronized ActorSystem<Start> take(int threads, Config config) {
    ActorSystem<Start> s = IDLE.getOrDefault(key(threads, config), new ArrayDeque<>()).poll();
    if (s != null) {
      return s;
    }
    created++;
    // Kept until the JVM exits, and never the reason it does not: daemon threads, and no
    // coordinated shutdown on the way out (an idle system has nothing to finish).
    return ActorSystem.create(guardian(), "dfsim", KEPT.withFallback(config));
  }

  /** Returns {@code s}, whose run has ended, for the next run with the same settings. */
  static synchronized void give(int threads, Config config, ActorSystem<Start> s) {
    IDLE.computeIfAbsent(key(threads, config), k -> new ArrayDeque<>()).push(s);
  }

  /** How many systems this JVM has started (for tests). */
  static synchronized int created() {
    return created;
  }

  private static String key(int threads, Config config) {
    return threads + "|" + (config.hasPath("pekko") ? config.getConfig("pekko").root().render() : "");
  }

  /**
   * The guardian: a coordinator per run, watched; a coordinator that stops before its run's
   * result is in fails that run. (The coordinator is the guardian's child, not the guardian:
   * Pekko wraps a guardian's behavior in an interceptor that costs an allocation per message.)
   */
  private static Behavior<Start> guardian() {
    return Behaviors.setup(ctx -> {
      Map<ActorRef<?>, CompletableFuture<EngineResult>> running = new HashMap<>();
      long[] runs = {0};
      return Behaviors.receive(Start.class)
          .onMessage(Start.class, s -> {
            var c = ctx.spawn(Coordinator.create(s.model(), s.result(), s.windowSlackNs(),
                ActorEngine.DISPATCHER, s.progress()), "coordinator-" + runs[0]++);
            ctx.watch(c);
            running.put(c, s.result());
            return Behaviors.same();
          })
          .onSignal(Terminated.class, t -> {
            CompletableFuture<EngineResult> r = running.remove(t.getRef());
            if (r != null) {
              r.completeExceptionally(new IllegalStateException("the coordinator stopped before the run ended"));
            }
            return Behaviors.same();
          })
          .build();
    });
  }
}
