package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * Memory LP -> CPU: its access to a kernel line ({@link GlobalLine} on node 0, a process's
 * {@link FdSpin} at its home) is done; after a
 * bsd4_setrunqueue() that found no CPU the thread may run on, {@code scanCpu} is the CPU
 * {@code bsd4_scancpu} names (else -1).
 */
public record GlobalLineDone(int scanCpu) implements SimMessage {}
