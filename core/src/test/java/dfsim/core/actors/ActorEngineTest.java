package dfsim.core.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.protocol.PageAlloc;
import dfsim.core.sim.CausalityViolation;
import dfsim.core.sim.EngineResult;
import dfsim.core.sim.LogicalProcess;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SequentialEngine;
import dfsim.core.sim.SimMessage;
import dfsim.core.sim.SimModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The actor engine delivers every LP's events in the sequential engine's order for any thread
 * count, with every message serialized (serialize-messages = on); a window opened wider than is
 * safe, or a message below the link latency, fails the run loudly instead of giving a result.
 */
final class ActorEngineTest {
  private static final Config SERIALIZE = ConfigFactory.parseString("pekko.actor.serialize-messages = on");

  /** A self-event that makes the LP send to a random peer after a random pause. */
  public record Wake() implements SimMessage {}

  /**
   * LPs that relay a token to a random peer (or to themselves) with random extra delay: each LP
   * starts one token and every event forwards exactly one, so the traffic is dense, irregular and
   * bounded. The outcome is the log of what each LP saw, in order.
   * A protocol record carries the payload so that it crosses actors serialized.
   */
  static class Relay implements LogicalProcess {
    final int id;
    final int n;
    final long latencyBias;
    final List<String> log = new ArrayList<>();

    Relay(int id, int n, long latencyBias) {
      this.id = id;
      this.n = n;
      this.latencyBias = latencyBias;
    }

    @Override
    public int id() {
      return id;
    }

    @Override
    public void start(LpContext ctx) {
      ctx.schedule(ctx.random().nextLong(50), new Wake());
    }

    @Override
    public void handle(SimMessage m, int src, LpContext ctx) {
      log.add(ctx.now() + ":" + src + ":" + m);
      int target = ctx.random().nextInt(n);
      if (target == id) {
        ctx.schedule(ctx.random().nextLong(30), new Wake());
      } else {
        long delay = ctx.latencyTo(target) - latencyBias + ctx.random().nextLong(40);
        ctx.send(target, delay, new PageAlloc(id, 0));
      }
    }

    @Override
    public void finish(long end, RunMetrics metrics) {}
  }

  private static SimModel model(int n, long latencyBias, long end) {
    List<Relay> lps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lps.add(new Relay(i, n, latencyBias));
    }
    // Three distance classes, like SMT siblings, one die and another socket.
    return new SimModel(lps, (a, b) -> a / 4 == b / 4 ? (a / 2 == b / 2 ? 10 : 20) : 150, 10, end, 7);
  }

  private static List<List<String>> logs(SimModel m) {
    List<List<String>> out = new ArrayList<>();
    for (LogicalProcess lp : m.lps()) {
      out.add(((Relay) lp).log);
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void sameEventOrderAsSequential(int threads) {
    SimModel seq = model(12, 0, 200_000);
    EngineResult rs = new SequentialEngine().run(seq);
    SimModel act = model(12, 0, 200_000);
    EngineResult ra = new ActorEngine(threads, SERIALIZE).run(act);
    assertEquals(rs.events(), ra.events());
    assertTrue(rs.events() > 10_000, "a busy model: " + rs.events());
    assertEquals(logs(seq), logs(act));
    assertTrue(ra.windows() > 0 && ra.windows() < ra.events(), "windows: " + ra.windows());
  }

  @Test
  void windowWiderThanSafeIsDetected() {
    CausalityViolation v = assertThrows(CausalityViolation.class,
        () -> new ActorEngine(1, SERIALIZE, 500).run(model(12, 0, 200_000)));
    assertTrue(v.getMessage().contains("got an event for t="), v.getMessage());
  }

  /** Sends its (unregistered) self-event type to a peer: not serializable as a SimMessage. */
  static final class Leaker extends Relay {
    Leaker(int id, int n) {
      super(id, n, 0);
    }

    @Override
    public void handle(SimMessage m, int src, LpContext ctx) {
      ctx.send((id + 1) % n, ctx.latencyTo((id + 1) % n), new Wake());
    }
  }

  @Test
  void everyMessageIsSerializedAcrossActors() {
    SimModel m = new SimModel(List.of(new Leaker(0, 2), new Leaker(1, 2)), (a, b) -> 10, 10, 10_000, 1);
    RuntimeException e = assertThrows(RuntimeException.class, () -> new ActorEngine(1, SERIALIZE).run(m));
    assertTrue(String.valueOf(e.getMessage()).contains("Wake"), e.getMessage());
  }

  @Test
  void messageBelowLinkLatencyIsRefused() {
    CausalityViolation v = assertThrows(CausalityViolation.class,
        () -> new ActorEngine(2, SERIALIZE).run(model(12, 5, 200_000)));
    assertTrue(v.getMessage().contains("below the link latency"), v.getMessage());
  }

  /**
   * Runs one after another share the JVM's actor system, a failed run too; runs at the same time
   * each get their own (and so their own dispatcher threads); and a run on a reused system gives
   * the sequential engine's order. A config of its own (another pekko setting) gets its own system.
   */
  @Test
  void runsOneAfterAnotherShareAnActorSystemAndParallelOnesDoNot() throws Exception {
    Config own = ConfigFactory.parseString("pekko.actor.serialize-messages = on\npekko.log-dead-letters = 7");
    new ActorEngine(3, own).run(model(12, 0, 20_000));
    int before = ActorSystems.created();
    assertThrows(CausalityViolation.class, () -> new ActorEngine(3, own).run(model(12, 5, 20_000)));
    SimModel seq = model(12, 0, 200_000);
    new SequentialEngine().run(seq);
    SimModel act = model(12, 0, 200_000);
    new ActorEngine(3, own).run(act);
    assertEquals(logs(seq), logs(act));
    assertEquals(before, ActorSystems.created(), "the failed and the next run reused the first run's system");
    java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
      List<java.util.concurrent.Future<EngineResult>> runs = new ArrayList<>();
      for (int k = 0; k < 2; k++) {
        runs.add(two.submit(() -> {
          together.await();
          return new ActorEngine(3, own).run(model(12, 0, 2_000_000));
        }));
      }
      for (java.util.concurrent.Future<EngineResult> f : runs) {
        assertTrue(f.get().events() > 0);
      }
    } finally {
      two.shutdownNow();
    }
    assertEquals(before + 1, ActorSystems.created(), "two runs at once: a second system");
    new ActorEngine(2, own).run(model(12, 0, 20_000));
    assertEquals(before + 2, ActorSystems.created(), "another dispatcher size: another system");
  }
}
