package dfsim.jmh;

import dfsim.core.protocol.IpiWakeup;
import dfsim.core.sim.EventCalendar;
import dfsim.core.sim.EventHeap;
import dfsim.core.sim.SimMessage;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The event queue's hot path, a hold model: pop the first event and add one a random delay later,
 * with {@code size} events pending (a 16-CPU box keeps about 50 pending, a 1024-CPU box a few
 * thousand). One operation = one pop + one add; the baseline does the same with an object per
 * event in {@link java.util.PriorityQueue}, and the sequential engine's {@link EventCalendar}
 * the same on its buckets.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EventHeapBench {
  @Param({"64", "1024", "16384"})
  int size;

  private final SimMessage message = new IpiWakeup(0, 0, 0);
  private EventHeap heap;
  private EventCalendar calendar;
  private java.util.PriorityQueue<Ev> reference;
  private long[] delays;
  private long[] sequence;
  private int next;

  @Setup
  public void fill() {
    SplittableRandom r = new SplittableRandom(1);
    delays = new long[4096];
    for (int i = 0; i < delays.length; i++) {
      delays[i] = 20 + r.nextLong(2000);
    }
    heap = new EventHeap();
    calendar = new EventCalendar();
    reference = new java.util.PriorityQueue<>(ORDER);
    sequence = new long[size];
    for (int i = 0; i < size; i++) {
      heap.add(delays[i & 4095], i, sequence[i], i, message);
      calendar.add(delays[i & 4095], i, sequence[i], i, message);
      reference.add(new Ev(delays[i & 4095], i, sequence[i]++, i, message));
    }
  }

  /** The baseline: an object per event in java.util.PriorityQueue with a comparator. */
  record Ev(long time, int source, long sequence, int target, SimMessage message) {}

  private static final java.util.Comparator<Ev> ORDER = java.util.Comparator.comparingLong(Ev::time)
      .thenComparingInt(Ev::source).thenComparingLong(Ev::sequence);

  @Benchmark
  public long priorityQueuePopAdd() {
    Ev e = reference.poll();
    reference.add(new Ev(e.time() + delays[next++ & 4095], e.source(), sequence[e.source()]++, e.target(), message));
    return e.time();
  }

  @Benchmark
  public long popAdd() {
    long t = heap.peekTime();
    int source = heap.peekSource();
    heap.pop();
    heap.add(t + delays[next++ & 4095], source, sequence[source]++, source, message);
    return t;
  }

  @Benchmark
  public long calendarPopAdd() {
    long t = calendar.peekTime();
    int source = calendar.peekSource();
    calendar.pop();
    calendar.add(t + delays[next++ & 4095], source, sequence[source]++, source, message);
    return t;
  }
}
