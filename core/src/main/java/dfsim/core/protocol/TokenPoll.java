package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> token manager: the CPU's scheduler is spinning in lwkt_switch()'s skip loop and retries
 * this token for thread {@code tid} every pass, {@code spin} tries of {@code waitNs} plus one
 * cpu_pause a pass, until it wins it or cancels.
 */
public record TokenPoll(int token, int cpu, int tid, int spin, long waitNs, long request) implements SimMessage {}
