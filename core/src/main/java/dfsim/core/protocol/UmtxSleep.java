package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> the mutex page's home: umtx_sleep() of thread {@code tid} once its kernel path found
 * the word: poll it for {@code pollNs}, then, interlocked, re-check it against {@code expected}
 * and sleep on its physical address for at most {@code timeoutNs} (0 = no timeout).
 */
public record UmtxSleep(int cpu, int tid, int object, int mutex, int expected, long timeoutNs, long pollNs)
    implements SimMessage {}
