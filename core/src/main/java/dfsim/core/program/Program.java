package dfsim.core.program;

import java.util.SplittableRandom;

/** What a simulated thread does: the next operation each time the previous one completes. */
public interface Program {

  /** Returns the next operation; {@code random} is the running CPU's stream. */
  Op next(long now, SplittableRandom random);
}
