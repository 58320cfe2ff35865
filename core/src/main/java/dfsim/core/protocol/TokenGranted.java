package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** Token manager -> CPU: thread {@code tid} owns the token after {@code tries} tries. */
public record TokenGranted(int token, int tid, int tries, long request) implements SimMessage {}
