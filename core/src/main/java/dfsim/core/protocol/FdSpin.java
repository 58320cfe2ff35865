package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> the home of process map {@code map}: CPU {@code cpu} takes the process's fd_spin
 * (sys/kern/kern_descrip.c holdfp()): held {@code holdNs} exclusively, or an atomic of
 * {@code holdNs} on its word for a shared take or drop. Answered by {@link GlobalLineDone}.
 */
public record FdSpin(int cpu, int map, long holdNs) implements SimMessage {}
