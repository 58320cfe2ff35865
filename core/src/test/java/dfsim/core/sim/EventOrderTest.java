package dfsim.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.metrics.RunMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Events are delivered in the total order (time, source LP, source sequence), the hand-written
 * heap agrees with java.util.PriorityQueue on that order, and a message below the link latency or
 * an event from the past is refused loudly.
 */
final class EventOrderTest {
  record Ping(int n) implements SimMessage {}

  @Test
  void heapMatchesReferenceQueue() {
    SplittableRandom r = new SplittableRandom(42);
    EventQueue heap = new EventQueue();
    PriorityQueue<Event> ref = new PriorityQueue<>(Comparator.naturalOrder());
    long[] seq = new long[8];
    for (int i = 0; i < 50_000; i++) {
      if (r.nextInt(3) > 0 || ref.isEmpty()) {
        int src = r.nextInt(8);
        Event e = new Event(r.nextLong(200), src, seq[src]++, 0, new Ping(i));
        heap.add(e);
        ref.add(e);
      } else {
        assertEquals(ref.poll(), heap.poll());
      }
    }
    while (!ref.isEmpty()) {
      assertEquals(ref.poll(), heap.poll());
    }
    assertTrue(heap.isEmpty());
  }

  /** An LP that logs what it receives and sends what it is told at start. */
  static final class Probe implements LogicalProcess {
    final int id;
    final List<String> log = new ArrayList<>();
    final List<long[]> sends = new ArrayList<>();

    Probe(int id) {
      this.id = id;
    }

    @Override
    public int id() {
      return id;
    }

    @Override
    public void start(LpContext ctx) {
      for (long[] s : sends) {
        ctx.send((int) s[0], s[1], new Ping((int) s[2]));
      }
    }

    @Override
    public void handle(SimMessage m, int src, LpContext ctx) {
      log.add(ctx.now() + ":" + src + ":" + ((Ping) m).n());
    }

    @Override
    public void finish(long end, RunMetrics metrics) {}
  }

  @Test
  void tiesBreakBySourceThenSequence() {
    Probe a = new Probe(0);
    Probe b = new Probe(1);
    Probe c = new Probe(2);
    // Both send to c at t=10; c must see all of b's (source 1) after a's (source 0), each in send order.
    b.sends.add(new long[] {2, 10, 20});
    b.sends.add(new long[] {2, 10, 21});
    a.sends.add(new long[] {2, 10, 10});
    a.sends.add(new long[] {2, 10, 11});
    a.sends.add(new long[] {2, 5, 9});
    new SequentialEngine().run(new SimModel(List.of(a, b, c), (x, y) -> 5, 5, 100, 1));
    assertEquals(List.of("5:0:9", "10:0:10", "10:0:11", "10:1:20", "10:1:21"), c.log);
  }

  @Test
  void sendBelowLinkLatencyIsRefused() {
    Probe a = new Probe(0);
    Probe b = new Probe(1);
    a.sends.add(new long[] {1, 4, 0});
    CausalityViolation v = assertThrows(CausalityViolation.class,
        () -> new SequentialEngine().run(new SimModel(List.of(a, b), (x, y) -> 5, 5, 100, 1)));
    assertTrue(v.getMessage().contains("below the link latency"), v.getMessage());
  }

  @Test
  void outOfOrderDeliveryIsRefused() {
    Probe a = new Probe(0);
    SimModel model = new SimModel(List.of(a), (x, y) -> 5, 5, 100, 1);
    LpRuntime rt = new LpRuntime(a, model, e -> {});
    rt.deliver(new Event(50, 0, 0, 0, new Ping(1)));
    assertThrows(CausalityViolation.class, () -> rt.deliver(new Event(49, 0, 1, 0, new Ping(2))));
  }

  @Test
  void eventsAtOrAfterTheEndAreNotDelivered() {
    Probe a = new Probe(0);
    Probe b = new Probe(1);
    a.sends.add(new long[] {1, 99, 1});
    a.sends.add(new long[] {1, 100, 2});
    EngineResult r = new SequentialEngine().run(new SimModel(List.of(a, b), (x, y) -> 5, 5, 100, 1));
    assertEquals(List.of("99:0:1"), b.log);
    assertEquals(1, r.events());
  }

  @Test
  void randomStreamsDependOnSeedAndLpOnly() {
    assertEquals(LpRandom.forLp(7, 3).nextLong(), LpRandom.forLp(7, 3).nextLong());
    assertTrue(LpRandom.forLp(7, 3).nextLong() != LpRandom.forLp(7, 4).nextLong());
    assertTrue(LpRandom.forLp(7, 3).nextLong() != LpRandom.forLp(8, 3).nextLong());
  }
}
