package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** CPU -> token manager: stop polling this token for thread {@code tid}. */
public record TokenPollCancel(int token, int cpu, int tid, long request) implements SimMessage {}
