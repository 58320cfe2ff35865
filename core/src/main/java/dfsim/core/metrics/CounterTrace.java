package dfsim.core.metrics;

import java.util.Arrays;

/**
 * A counter's values over a window of simulated time, for trace.json's counter tracks (a memory
 * node's free pages): a sample wherever the value changed, the value at the window's start first.
 * Changes at the same nanosecond keep the last; at most {@code limit} samples, the window cut where
 * they run out.
 */
public final class CounterTrace {
  private final long from;
  private long to;
  private final int limit;
  private long[] ns = new long[16];
  private long[] values = new long[16];
  private int size;
  /** The value before the window opened. */
  private long value;
  private long cutAtNs = -1;

  /** A trace of {@code [fromNs, toNs)} of at most {@code limit} samples, of a counter at {@code initial}. */
  public CounterTrace(long fromNs, long toNs, int limit, long initial) {
    this.from = fromNs;
    this.to = toNs;
    this.limit = Math.max(2, limit);
    this.value = initial;
  }

  /** The counter is {@code v} from {@code now} on. */
  public void set(long v, long now) {
    if (now < from) {
      value = v;
      return;
    }
    if (now >= to) {
      return;
    }
    if (size == 0) {
      add(from, value);
    }
    if (v == values[size - 1]) {
      return;
    }
    if (ns[size - 1] == now) {
      values[size - 1] = v;
    } else if (size == limit) {
      cutAtNs = now;
      to = now;
    } else {
      add(now, v);
    }
  }

  private void add(long t, long v) {
    if (size == ns.length) {
      ns = Arrays.copyOf(ns, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    ns[size] = t;
    values[size] = v;
    size++;
  }

  /** The samples, with the window's start if the counter never changed in it. */
  public Samples samples() {
    if (size == 0) {
      return new Samples(new long[] {from}, new long[] {value}, cutAtNs);
    }
    return new Samples(Arrays.copyOf(ns, size), Arrays.copyOf(values, size), cutAtNs);
  }

  /** A counter track as plain data: each sample's time and value in time order; where it was cut (-1: not cut). */
  public record Samples(long[] ns, long[] values, long cutAtNs) {}
}
