package dfsim.core.sim;

/** The least delay, in ns, of a message from one LP to another. */
@FunctionalInterface
public interface LinkLatency {
  /** Returns the link latency from LP {@code from} to LP {@code to} ({@code from != to}). */
  long between(int from, int to);

  /**
   * Returns LP {@code lp}'s region: LPs of one region have the same latency to and from each LP
   * of another (a die's LPs, on a box). Engines may work per region; they check the claim and
   * drop a wrong one. The default, one region per LP, is always right.
   */
  default int region(int lp) {
    return lp;
  }
}
