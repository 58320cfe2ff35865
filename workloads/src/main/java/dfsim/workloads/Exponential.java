package dfsim.workloads;

import java.util.SplittableRandom;

/** Exponentially distributed durations, the workloads' think and hold times. */
final class Exponential {
  private Exponential() {}

  /** Returns a draw with mean {@code meanNs} (0 when the mean is 0). */
  static long draw(long meanNs, SplittableRandom random) {
    return meanNs == 0 ? 0 : (long) (-meanNs * Math.log(1.0 - random.nextDouble()));
  }
}
