package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * Scheduler LP -> the thread's CPU: the IPI of lwkt_send_ipiq() running lwkt_schedule_remote()
 * there (sys/kern/lwkt_thread.c, lwkt_ipiq.c): schedule thread {@code tid}, woken by CPU
 * {@code fromCpu} at {@code sentNs}.
 */
public record IpiWakeup(int tid, int fromCpu, long sentNs) implements SimMessage {
  /** Its arrow in trace.json. */
  public static final String FLOW = "ipi: wakeup";
}
