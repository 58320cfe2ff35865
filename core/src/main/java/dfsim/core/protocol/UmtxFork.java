package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> the mutex page's home: the process forked (vmspace_fork()): its private page is now
 * shared copy-on-write with the child, so the parent's next write copies it to a new physical
 * page. With {@code wakeAll} (wake_umtx_threads() in fork1() from afd7f124, without RFMEM) every
 * umtx sleeper on the process's words is woken.
 */
public record UmtxFork(int cpu, int object, boolean wakeAll) implements SimMessage {}
