package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> the mutex page's home: umtx_wakeup() of one sleeper ({@code count} = 1) or all, on the
 * physical address the call resolved ({@code forceCow} as for {@link UmtxSleep}).
 */
public record UmtxWake(int cpu, int object, int mutex, int count, boolean forceCow) implements SimMessage {}
