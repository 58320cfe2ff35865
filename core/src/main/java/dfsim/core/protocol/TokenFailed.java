package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** Token manager -> CPU: every try failed ({@code tries} of them); the thread must switch. */
public record TokenFailed(int token, int tid, int tries, long request) implements SimMessage {}
