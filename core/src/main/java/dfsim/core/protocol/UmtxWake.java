package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** CPU -> the mutex page's home: umtx_wakeup() of one sleeper ({@code count} = 1) or all. */
public record UmtxWake(int cpu, int object, int mutex, int count) implements SimMessage {}
