package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> node 0's memory LP: one access of CPU {@code cpu} to the userland scheduler's global lines
 * (sys/kern/usched_bsd4.c, usched_dfly.c): {@code spin} = usched_bsd4's global bsd4_spin, held
 * {@code holdNs}; otherwise an atomic of {@code holdNs} on the global curprocmask word.
 */
public record UschedLock(int cpu, boolean spin, long holdNs) implements SimMessage {}
