package dfsim.core.actors;

import com.typesafe.config.ConfigFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under every actor-engine window: one typed Pekko message between two actors on the
 * engine's own one-thread dispatcher ({@link ActorEngine#dispatcher}), with nothing done on
 * receipt but the reply. A window of the actor engine costs at least two of these per LP it
 * wakes (its {@code RunWindow} and {@code WindowDone}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
public class TypedTellBench {
  static final int MESSAGES = 200_000;

  /** A ball with the hits left; the actor that gets it at zero completes {@code done}. */
  record Ball(int left, ActorRef<Ball> to, CompletableFuture<Integer> done) {}

  private ActorSystem<Ball> system;
  private ActorRef<Ball> other;

  private static Behavior<Ball> player() {
    return Behaviors.setup(ctx -> Behaviors.receiveMessage(b -> {
      if (b.left() == 0) {
        b.done().complete(MESSAGES);
      } else {
        b.to().tell(new Ball(b.left() - 1, ctx.getSelf(), b.done()));
      }
      return Behaviors.same();
    }));
  }

  @Setup(Level.Trial)
  public void start() {
    // The guardian is one player; it spawns the other, so both share the dispatcher's thread.
    CompletableFuture<ActorRef<Ball>> spawned = new CompletableFuture<>();
    system = ActorSystem.create(Behaviors.setup(ctx -> {
      spawned.complete(ctx.spawn(player(), "other"));
      return player();
    }), "tell", ActorEngine.dispatcher(1).withFallback(ConfigFactory.defaultReference()).resolve());
    other = spawned.join();
  }

  @TearDown(Level.Trial)
  public void stop() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public int typedTell() {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    other.tell(new Ball(MESSAGES - 1, system, done));
    return done.join();
  }
}
