package dfsim.core.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Percentile views of HdrHistograms, as metrics.json spells them. */
public final class Histograms {
  private Histograms() {}

  /** Returns a fresh histogram: 3 significant digits, resizing as values grow. */
  public static Histogram create() {
    return new Histogram(3);
  }

  /**
   * Records {@code value} (at least 0) into {@code h} and returns the histogram that holds it: {@code h},
   * or, where {@code value} lies beyond {@code h}'s range, a copy of {@code h} whose range reaches
   * eight times as far. HdrHistogram's own auto-resize grows to just the value, so a latency that
   * creeps up (a lock convoy forming) resized every CPU's histograms once per doubling: 8% of a
   * 1024-CPU box's sequential run. Growing eightfold resizes a third as often, for at most three
   * unused buckets. Percentiles do not depend on the range.
   */
  public static Histogram record(Histogram h, long value) {
    long v = Math.max(0, value);
    if (v > h.getHighestTrackableValue()) {
      Histogram wider = new Histogram(v > Long.MAX_VALUE / 8 ? Long.MAX_VALUE / 2 : Math.max(2, v * 8), 3);
      wider.setAutoResize(true);
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
