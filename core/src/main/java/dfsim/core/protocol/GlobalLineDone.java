package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** Node 0's memory LP -> CPU: its access to a global line ({@link GlobalLine}) is done. */
public record GlobalLineDone() implements SimMessage {}
