package dfsim.core.metrics;

import org.HdrHistogram.Histogram;

/** Count and latency distribution of one kind of workload operation. */
public final class OpStats {
  private long count;
  private long totalNs;
  private Histogram latency;

  /** The stats as plain data, to cross a JVM boundary. */
  public record Saved(long count, long totalNs, byte[] latency) {}

  public OpStats() {
    this.latency = Histograms.create();
  }

  private OpStats(Saved s) {
    this.count = s.count();
    this.totalNs = s.totalNs();
    this.latency = Histograms.decode(s.latency());
  }

  /** Returns these stats as plain data. */
  public Saved save() {
    return new Saved(count, totalNs, Histograms.encode(latency));
  }

  /** Returns the stats {@link #save} gave. */
  public static OpStats restore(Saved s) {
    return new OpStats(s);
  }

  /** Records one completed operation. */
  public void record(long latencyNs) {
    count++;
    totalNs += latencyNs;
    latency = Histograms.record(latency, latencyNs);
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
