package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * Node 0's memory LP -> CPU: its access to a global line ({@link GlobalLine}) is done; after a
 * bsd4_setrunqueue() that found no CPU the thread may run on, {@code scanCpu} is the CPU
 * {@code bsd4_scancpu} names (else -1).
 */
public record GlobalLineDone(int scanCpu) implements SimMessage {}
