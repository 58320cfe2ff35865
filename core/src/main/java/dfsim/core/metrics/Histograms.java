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
