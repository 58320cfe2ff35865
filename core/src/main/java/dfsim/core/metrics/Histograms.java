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
