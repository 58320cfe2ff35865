package dfsim.memory;

import dfsim.core.metrics.ContentionStats;
import dfsim.core.metrics.LockClass;
import dfsim.core.protocol.GlobalLine;
import dfsim.core.protocol.GlobalLineDone;
import dfsim.core.sim.LpContext;

/**
 * Global kernel variables that every CPU writes, kernel data on node 0: the userland scheduler's
 * curprocmask word (bsd4_curprocmask, dfly_curprocmask) and usched_bsd4's bsd4_spin
 * (sys/kern/usched_bsd4.c, usched_dfly.c; class {@code usched}), the 2011 knote()'s kq_token
 * (sys/kern/kern_event.c; class {@code token}), and two counters that take their line in turn
 * (lwkt_switch()'s switch_count, pipe_read()'s pipe_rblocked_count; no lock, so no class). Which
 * of them a path touches is the CPU's choice (the era's switches). See docs/model/usched.md.
 */
final class KernelGlobals {
  private final Node n;
  private final QueueLock curprocmask;
  private final QueueLock bsd4Spin;
  private final QueueLock kqToken;
  private final QueueLock switchCount;
  private final QueueLock pipeRblockedCount;
  final ContentionStats stats = new ContentionStats();
  final ContentionStats tokenStats = new ContentionStats();

  KernelGlobals(Node n) {
    this.n = n;
    this.curprocmask = new QueueLock(n, LockClass.USCHED, stats);
    this.bsd4Spin = new QueueLock(n, LockClass.USCHED, stats);
    this.kqToken = new QueueLock(n, LockClass.TOKEN, tokenStats);
    // Plain stores: the wait for the line is the CPU's stall, counted under no lock.
    this.switchCount = new QueueLock(n, null, new ContentionStats());
    this.pipeRblockedCount = new QueueLock(n, null, new ContentionStats());
  }

  void onAccess(GlobalLine g, LpContext ctx) {
    QueueLock line = switch (g.global()) {
      case CURPROCMASK -> curprocmask;
      case BSD4_SPIN -> bsd4Spin;
      case KQ_TOKEN -> kqToken;
      case SWITCH_COUNT -> switchCount;
      case PIPE_RBLOCKED_COUNT -> pipeRblockedCount;
    };
    line.acquireAndReply(n, g.cpu(), 0, g.holdNs(), new GlobalLineDone(), ctx);
  }
}
