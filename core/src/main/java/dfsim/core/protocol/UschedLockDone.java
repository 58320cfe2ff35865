package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** Node 0's memory LP -> CPU: the atomic is done, or bsd4_spin released. */
public record UschedLockDone() implements SimMessage {}
