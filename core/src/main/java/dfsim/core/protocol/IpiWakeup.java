package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * Scheduler LP -> the thread's CPU: the IPI of lwkt_send_ipiq() running lwkt_schedule_remote()
 * there (sys/kern/lwkt_thread.c, lwkt_ipiq.c): schedule thread {@code tid}.
 */
public record IpiWakeup(int tid, int fromCpu) implements SimMessage {}
