package dfsim.core.sim;

import dfsim.core.metrics.RunMetrics;

/**
 * A logical process: a piece of the simulated machine (a CPU, a memory node, a scheduler) that
 * owns its state and changes it only in reaction to events. The same LP code runs unchanged on
 * every engine, so an LP must never look at wall-clock time, threads or anything but its context.
 */
public interface LogicalProcess {

  /** Returns this LP's id, its index in the model. */
  int id();

  /** Called once at time 0, before any event is delivered. */
  void start(LpContext ctx);

  /** Reacts to one event sent by {@code sourceLp} (this LP's own id for self-events). */
  void handle(SimMessage message, int sourceLp, LpContext ctx);

  /**
   * Returns the earliest simulated time at which this LP could send a message to another LP if
   * it received nothing further, given that its next own event is at {@code nextEventTime}. The
   * default, {@code nextEventTime}, is always safe; an LP that knows it is computing until some
   * later time may say so and let a parallel engine open wider windows.
   */
  default long nextSendBound(long nextEventTime) {
    return nextEventTime;
  }

  /**
   * Adds this LP's per-CPU figures as of {@code nowNs} to a live view without changing any state.
   * Called by the engine between events, never concurrently with {@link #handle}.
   */
  default void observe(long nowNs, dfsim.core.metrics.LiveCpus out) {}

  /** Closes every open interval at {@code endTime} and adds this LP's results to {@code metrics}. */
  void finish(long endTime, RunMetrics metrics);
}
