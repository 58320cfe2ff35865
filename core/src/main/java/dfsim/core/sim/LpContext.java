package dfsim.core.sim;

import java.util.SplittableRandom;

/** What an LP may do while it handles an event. */
public interface LpContext {

  /** Returns the current simulated time in ns. */
  long now();

  /** Returns the id of the LP being run. */
  int self();

  /** Returns this LP's random stream, derived from (seed, LP id). */
  SplittableRandom random();

  /** Returns the link latency in ns from this LP to {@code lp}: the least delay a send may use. */
  long latencyTo(int lp);

  /**
   * Sends {@code message} to another LP, delivered {@code delayNs} from now.
   *
   * @throws CausalityViolation if the delay is below the link latency to {@code lp}
   */
  void send(int lp, long delayNs, SimMessage message);

  /** Schedules {@code message} to this LP itself, {@code delayNs >= 0} from now. */
  void schedule(long delayNs, SimMessage message);
}
