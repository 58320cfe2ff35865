package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * The mutex page's home -> the sleeper's CPU: the word changed (BUSY, during the poll or at the
 * interlocked re-check), the thread went to sleep (SLEEPING), was woken (by an IPI when the
 * waker ran on another CPU: {@code ipiFrom}, at {@code ipiSentNs}; -1 for none), or timed out. The
 * first reply carries the cost and IPIs of a COW the call's write resolution made.
 */
public record UmtxSleepDone(int tid, int mutex, Outcome outcome, int ipiFrom, long ipiSentNs, long cowNs, int cowIpis)
    implements SimMessage {
  /** The wakeup IPI's arrow in trace.json. */
  public static final String FLOW = "ipi: umtx wakeup";

  /** Whether the wakeup came by IPI. */
  public boolean ipi() {
    return ipiFrom >= 0;
  }

  /** How a umtx_sleep() call goes on. */
  public enum Outcome { BUSY, SLEEPING, WOKEN, TIMEDOUT }
}
