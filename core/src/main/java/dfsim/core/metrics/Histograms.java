package dfsim.core.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Percentile views of HdrHistograms, as metrics.json spells them. */
public final class Histograms {
  private Histograms() {}

  /**
   * What a histogram's first two buckets hold at 3 significant digits (2,048 sub-buckets of 1 ns):
   * each further bucket doubles the reach, so a histogram's whole reach is 2^k - 1.
   */
  private static final long FIRST_REACH = 2047;

  /** Returns a fresh histogram: 3 significant digits, resizing as values grow. */
  public static Histogram create() {
    return reaching(FIRST_REACH);
  }

  /** An empty histogram whose highest trackable value is {@code reach} (2^k - 1), resizing beyond it. */
  private static Histogram reaching(long reach) {
    Histogram h = new Histogram(1, reach, 3);
    h.setAutoResize(true);
    return h;
  }

  /**
   * Records {@code value} (at least 0) into {@code h} and returns the histogram that holds it: {@code h},
   * or, where {@code value} lies beyond {@code h}'s reach, a copy of {@code h} that reaches at least
   * eight times as far. HdrHistogram's own auto-resize grows to just the value, so a latency that
   * creeps up (a lock convoy forming) resized every CPU's histograms once per doubling: 8% of a
   * 1024-CPU box's sequential run. Growing eightfold resizes a third as often, for at most three
   * unused buckets. Each histogram's highest trackable value is its whole reach, so values within
   * it never cause a copy. Percentiles do not depend on the reach.
   */
  public static Histogram record(Histogram h, long value) {
    long v = Math.max(0, value);
    if (v > h.getHighestTrackableValue()) {
      long target = v > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : v * 8;
      long reach = FIRST_REACH;
      while (reach < target && reach <= Long.MAX_VALUE / 4) {
        reach = reach * 2 + 1;
      }
      Histogram wider = reaching(reach);
      if (h.getTotalCount() > 0) {
        wider.add(h);
      }
      h = wider;
    }
    h.recordValue(v);
    return h;
  }

  /** Returns {@code h} in HdrHistogram's compressed encoding (exact: every count is kept). */
  public static byte[] encode(Histogram h) {
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int n = h.encodeIntoCompressedByteBuffer(buf);
    return java.util.Arrays.copyOf(buf.array(), n);
  }

  /** Returns the histogram {@link #encode} gave, resizing as values grow like {@link #create}'s. */
  public static Histogram decode(byte[] bytes) {
    try {
      Histogram h = Histogram.decodeFromCompressedByteBuffer(java.nio.ByteBuffer.wrap(bytes), 2);
      h.setAutoResize(true);
      return h;
    } catch (java.util.zip.DataFormatException e) {
      throw new IllegalArgumentException("not an encoded histogram: " + e.getMessage(), e);
    }
  }

  /** Returns p50, p90, p99, p99.9 and max of {@code h} (all 0 when empty). */
  public static Map<String, Object> percentiles(Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    boolean empty = h.getTotalCount() == 0;
    m.put("p50", empty ? 0 : h.getValueAtPercentile(50));
    m.put("p90", empty ? 0 : h.getValueAtPercentile(90));
    m.put("p99", empty ? 0 : h.getValueAtPercentile(99));
    m.put("p99.9", empty ? 0 : h.getValueAtPercentile(99.9));
    m.put("max", empty ? 0 : h.getMaxValue());
    return m;
  }
}
