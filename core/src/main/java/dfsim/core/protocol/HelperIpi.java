package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> CPU: usched_bsd4's bsd4_setrunqueue() schedules this CPU's helper thread (an IPI of
 * lwkt_schedule() or need_user_resched_remote(), sys/kern/usched_bsd4.c), sent by
 * {@code fromCpu} at {@code sentNs}. The helper runs below user threads and finds nothing it may
 * take; the IPI is counted.
 */
public record HelperIpi(int fromCpu, long sentNs) implements SimMessage {
  /** Its arrow in trace.json. */
  public static final String FLOW = "ipi: usched helper";
}
