package dfsim.core.metrics;

import org.HdrHistogram.Histogram;

/** Count and latency distribution of one kind of workload operation. */
public final class OpStats {
  private long count;
  private long totalNs;
  private final Histogram latency = Histograms.create();

  /** Records one completed operation. */
  public void record(long latencyNs) {
    count++;
    totalNs += latencyNs;
    latency.recordValue(Math.max(0, latencyNs));
  }

  /** Adds {@code o} into this. */
  public void add(OpStats o) {
    count += o.count;
    totalNs += o.totalNs;
    latency.add(o.latency);
  }

  public long count() {
    return count;
  }

  public long totalNs() {
    return totalNs;
  }

  /** Returns the exact mean latency in ns (0 when empty). */
  public double meanNs() {
    return count == 0 ? 0 : (double) totalNs / count;
  }

  public Histogram latency() {
    return latency;
  }
}
