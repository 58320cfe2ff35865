package dfsim.core.sim;

import java.util.List;

/**
 * Everything an engine needs to run: the LPs (indexed by id), their link latencies, the global
 * lookahead (no message may have a smaller delay), the end time and the seed.
 */
public record SimModel(
    List<? extends LogicalProcess> lps,
    LinkLatency latency,
    long lookaheadNs,
    long endTimeNs,
    long seed) {

  public SimModel {
    lps = List.copyOf(lps);
    if (lookaheadNs <= 0) {
      throw new IllegalArgumentException("lookahead must be > 0");
    }
    for (int i = 0; i < lps.size(); i++) {
      if (lps.get(i).id() != i) {
        throw new IllegalArgumentException("LP at index " + i + " has id " + lps.get(i).id());
      }
    }
  }

  /** Returns the least delay allowed from {@code from} to {@code to}. */
  public long minDelay(int from, int to) {
    return Math.max(lookaheadNs, latency.between(from, to));
  }
}
