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

  /** An event as the reference queue orders it. */
  record Ev(long time, int source, long sequence, int target, Ping message) {}

  private static final Comparator<Ev> ORDER =
      Comparator.comparingLong(Ev::time).thenComparingInt(Ev::source).thenComparingLong(Ev::sequence);

  @Test
  void heapMatchesReferenceQueue() {
    SplittableRandom r = new SplittableRandom(42);
    EventHeap heap = new EventHeap();
    PriorityQueue<Ev> ref = new PriorityQueue<>(ORDER);
    long[] seq = new long[8];
    for (int i = 0; i < 50_000; i++) {
      if (r.nextInt(3) > 0 || ref.isEmpty()) {
        int src = r.nextInt(8);
        Ev e = new Ev(r.nextLong(200), src, seq[src]++, r.nextInt(5), new Ping(i));
        heap.add(e.time(), e.source(), e.sequence(), e.target(), e.message());
        ref.add(e);
      } else {
        assertEquals(ref.poll(), pop(heap));
      }
    }
    while (!ref.isEmpty()) {
      assertEquals(ref.poll(), pop(heap));
    }
    assertTrue(heap.isEmpty());
    assertEquals(Long.MAX_VALUE, heap.peekTime());
  }

  /**
   * The sequential engine's calendar pops what the reference queue pops, with events due in the
   * current bucket, in the ring, beyond the ring (the far heap), in the past, and after gaps
   * that leave the ring empty.
   */
  @Test
  void calendarMatchesReferenceQueue() {
    SplittableRandom r = new SplittableRandom(7);
    EventCalendar calendar = new EventCalendar();
    PriorityQueue<Ev> ref = new PriorityQueue<>(ORDER);
    long[] seq = new long[8];
    long now = 0;
    int pops = 0;
    for (int i = 0; i < 200_000; i++) {
      if (r.nextInt(2) == 0 || ref.isEmpty()) {
        long delay = switch (r.nextInt(6)) {
          case 0 -> r.nextLong(8); // the current bucket
          case 1 -> r.nextLong(300); // the next few buckets
          case 2 -> r.nextLong(300_000); // the ring, and just beyond it
          case 3 -> 1_000_000 + r.nextLong(3); // a tick: the far heap, often the same time
          case 4 -> -r.nextLong(Math.min(now, 50) + 1); // before the last popped event
          default -> r.nextLong(20_000_000); // far beyond the ring
        };
        int src = r.nextInt(8);
        Ev e = new Ev(now + delay, src, seq[src]++, r.nextInt(5), new Ping(i));
        calendar.add(e.time(), e.source(), e.sequence(), e.target(), e.message());
        ref.add(e);
      } else {
        Ev want = ref.poll();
        assertEquals(want, new Ev(calendar.peekTime(), calendar.peekSource(), calendar.peekSequence(),
            calendar.peekTarget(), (Ping) calendar.peekMessage()));
        calendar.pop();
        now = want.time();
        pops++;
      }
      assertEquals(ref.size(), calendar.size());
    }
    while (!ref.isEmpty()) {
      Ev want = ref.poll();
      assertEquals(want.time(), calendar.peekTime());
      assertEquals(want.sequence(), calendar.peekSequence());
      calendar.pop();
    }
    assertTrue(pops > 90_000, "pops " + pops);
    assertTrue(calendar.isEmpty());
    assertEquals(Long.MAX_VALUE, calendar.peekTime());
    // Times at the far end of the clock: no bucket bound overflows.
    long last = now;
    calendar.add(Long.MAX_VALUE, 1, 1, 0, new Ping(1));
    calendar.add(Long.MAX_VALUE - 3, 2, 1, 0, new Ping(2));
    calendar.add(last + 5, 3, 1, 0, new Ping(3));
    for (long t : new long[] {last + 5, Long.MAX_VALUE - 3, Long.MAX_VALUE}) {
      assertEquals(t, calendar.peekTime());
      calendar.pop();
    }
    assertTrue(calendar.isEmpty());
    for (long t : new long[] {last, last + 100, last + 10_000_000}) { // near, ring, far
      assertThrows(IllegalArgumentException.class, () -> calendar.add(t, 1 << 23, 0, 0, new Ping(0)));
      assertThrows(IllegalArgumentException.class, () -> calendar.add(t, 0, 1L << 40, 0, new Ping(0)));
    }
  }

  private static Ev pop(EventHeap h) {
    Ev e = new Ev(h.peekTime(), h.peekSource(), h.peekSequence(), h.peekTarget(), (Ping) h.peekMessage());
    h.pop();
    return e;
  }

  @Test
  void keysOutOfRangeAreRefused() {
    EventHeap heap = new EventHeap();
    assertThrows(IllegalArgumentException.class, () -> heap.add(0, 1 << 23, 0, 0, new Ping(0)));
    assertThrows(IllegalArgumentException.class, () -> heap.add(0, 0, 1L << 40, 0, new Ping(0)));
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
    LpRuntime rt = new LpRuntime(a, model, (t, src, seq, to, m) -> {});
    rt.deliver(50, 0, new Ping(1));
    assertThrows(CausalityViolation.class, () -> rt.deliver(49, 0, new Ping(2)));
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
