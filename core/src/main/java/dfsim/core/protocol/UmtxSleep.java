package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> the mutex page's home: umtx_sleep() of thread {@code tid} once its kernel path found
 * the word: poll it for {@code pollNs}, then, interlocked, re-check it against {@code expected}
 * and sleep on its physical address for at most {@code timeoutNs} (0 = no timeout). With
 * {@code forceCow} the call resolved the page for writing (vm_fault_page_quick(READ|WRITE)), so a
 * page still shared copy-on-write after a fork is copied first and the sleep keyed on the copy;
 * otherwise (a PTE read) on the page the PTE maps now.
 */
public record UmtxSleep(int cpu, int tid, int object, int mutex, int expected, long timeoutNs, long pollNs,
    boolean forceCow) implements SimMessage {}
