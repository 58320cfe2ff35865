package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> the mutex page's home: the process forked (vmspace_fork()): its private page is now
 * shared copy-on-write with the child, so the parent's next write copies it to a new physical
 * page, and every umtx sleeper on the process's words is woken (wake_umtx_threads() in fork1(),
 * from 31efdff0, the day before afd7f124; afd7f124 skips it for vfork, which the model never
 * does).
 */
public record UmtxFork(int cpu, int object) implements SimMessage {}
