package dfsim.core.sim;

import java.util.SplittableRandom;

/** Derives each LP's random stream from (seed, LP id), independent of engine and placement. */
public final class LpRandom {
  private LpRandom() {}

  /** Returns a fresh stream for {@code lpId} under {@code seed}. */
  public static SplittableRandom forLp(long seed, int lpId) {
    // Two rounds of the SplitMix64 finaliser so neighbouring seeds and ids give unrelated streams.
    return new SplittableRandom(mix(mix(seed) ^ (0x9E3779B97F4A7C15L * (lpId + 1L))));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
