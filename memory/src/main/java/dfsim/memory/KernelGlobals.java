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
  private final QueueLock rdyprocmask;
  /** usched_bsd4's global run queue, as the CPUs whose threads wait on it, in queue order. */
  private final java.util.ArrayDeque<Integer> bsd4Queue = new java.util.ArrayDeque<>();
  private long bsd4Scancpu;
  private final QueueLock kqToken;
  private final QueueLock switchCount;
  private final QueueLock pipeRblockedCount;
  final ContentionStats stats = new ContentionStats();
  final ContentionStats tokenStats = new ContentionStats();

  KernelGlobals(Node n) {
    this.n = n;
    this.curprocmask = new QueueLock(n, LockClass.USCHED, stats);
    this.bsd4Spin = new QueueLock(n, LockClass.USCHED, stats);
    this.rdyprocmask = new QueueLock(n, LockClass.USCHED, stats);
    this.kqToken = new QueueLock(n, LockClass.TOKEN, tokenStats);
    // Plain stores: the wait for the line is the CPU's stall, counted under no lock.
    this.switchCount = new QueueLock(n, null, new ContentionStats());
    this.pipeRblockedCount = new QueueLock(n, null, new ContentionStats());
  }

  void onAccess(GlobalLine g, LpContext ctx) {
    long hold = g.holdNs();
    int scanCpu = -1;
    if (g.global() == GlobalLine.Global.BSD4_SPIN) {
      hold += chooseproc(g.cpu()) * n.cost.vmPageScanStepNs();
    } else if (g.global() == GlobalLine.Global.BSD4_SETRUNQUEUE) {
      bsd4Queue.add(g.cpu());
      // Bound to this CPU, whose slot is held: the search finds no CPU, the fallback takes
      // bsd4_scancpu's.
      scanCpu = (int) ((++bsd4Scancpu & 0xFFFF) % n.topo.cpus());
    }
    QueueLock line = switch (g.global()) {
      case CURPROCMASK -> curprocmask;
      case BSD4_SPIN, BSD4_SETRUNQUEUE -> bsd4Spin;
      case BSD4_RDYPROCMASK -> rdyprocmask;
      case KQ_TOKEN -> kqToken;
      case SWITCH_COUNT -> switchCount;
      case PIPE_RBLOCKED_COUNT -> pipeRblockedCount;
    };
    line.acquireAndReply(n, g.cpu(), 0, hold, new GlobalLineDone(scanCpu), ctx);
  }

  /**
   * bsd4_chooseproc_locked() for {@code cpu}: the queued threads it walks past (other CPUs',
   * queued before its own; all of them if none is its own), taking its own off.
   */
  private int chooseproc(int cpu) {
    int walked = 0;
    for (java.util.Iterator<Integer> it = bsd4Queue.iterator(); it.hasNext(); walked++) {
      if (it.next() == cpu) {
        it.remove();
        return walked;
      }
    }
    return walked;
  }
}
