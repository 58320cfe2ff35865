package dfsim.memory;

import dfsim.core.metrics.ContentionStats;
import dfsim.core.metrics.LockClass;
import dfsim.core.protocol.UschedLock;
import dfsim.core.protocol.UschedLockDone;
import dfsim.core.sim.LpContext;

/**
 * The userland scheduler's globals that sched_yield() writes, kernel data on node 0
 * (sys/kern/usched_bsd4.c, usched_dfly.c): the curprocmask word (bsd4_curprocmask,
 * dfly_curprocmask), whose atomics take its line in turn, and usched_bsd4's bsd4_spin. Which of
 * them a yield touches is the CPU's choice ({@code kernel.usched}). See docs/model/usched.md.
 */
final class UschedGlobals {
  private final Node n;
  private final QueueLock curprocmask;
  private final QueueLock bsd4Spin;
  final ContentionStats stats = new ContentionStats();

  UschedGlobals(Node n) {
    this.n = n;
    this.curprocmask = new QueueLock(n, LockClass.USCHED, stats);
    this.bsd4Spin = new QueueLock(n, LockClass.USCHED, stats);
  }

  void onLock(UschedLock u, LpContext ctx) {
    (u.spin() ? bsd4Spin : curprocmask).acquireAndReply(n, u.cpu(), 0, u.holdNs(), new UschedLockDone(), ctx);
  }
}
