package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> its socket's scheduler LP: wakeup() at {@code sentNs} of thread {@code tid}, which lives
 * on another CPU.
 */
public record WakeupRequest(int tid, int fromCpu, long sentNs) implements SimMessage {}
