package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** CPU -> token manager: lwkt_reltoken(): the owner clears the token; no waiter is told. */
public record TokenRelease(int token, int cpu, int tid) implements SimMessage {}
