package dfsim.memory;

import dfsim.core.metrics.ContentionStats;
import dfsim.core.metrics.LockClass;
import dfsim.core.protocol.LockContended;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimMessage;
import dfsim.core.topology.CacheLine;

/**
 * A spinlock that CPUs take in the order their requests reach it and hold for a known time (a
 * page-queue spinlock around a list operation, the zone spinlock; with no class, a line that
 * stores take in turn, whose wait is the CPU's stall). Since the hold is known, the
 * home can tell a requester at once how long it will spin: the wait emerges from the order of
 * requests (sys/kern/kern_spinlock.c, as the paths of vm_page.c and vm_zone.c use it).
 */
final class QueueLock {
  private final LockClass lockClass;
  private final ContentionStats stats;
  private final CacheLine line;

  QueueLock(Node node, LockClass lockClass, ContentionStats stats) {
    this.lockClass = lockClass;
    this.stats = stats;
    this.line = new CacheLine(node.topo);
  }

  /** The outcome of one acquisition: ns spinning, then ns until the critical section ends. */
  record Grant(long waitNs, long doneAfterNs) {}

  /**
   * Takes the lock for {@code cpu} at {@code now} and holds it {@code holdNs}; returns the spin
   * before it gets the lock and the time from {@code now} until it has released it.
   */
  Grant acquire(int cpu, long now, long holdNs) {
    long arrived = line.take(cpu, now);
    long transfer = line.lastTransferNs();
    long wait = arrived - transfer - now;
    stats.acquires++;
    if (wait > 0) {
      stats.contended++;
    }
    if (transfer > 0) {
      stats.transfers++;
    }
    stats.holdNs += holdNs;
    line.busyUntil(arrived + holdNs);
    return new Grant(wait, arrived - now + holdNs);
  }

  /**
   * Takes the lock for {@code cpu} {@code afterNs} from now for {@code holdNs}, tells the CPU how
   * long it will spin if it must, and sends it {@code reply} when the critical section ends.
   */
  void acquireAndReply(Node node, int cpu, long afterNs, long holdNs, SimMessage reply, LpContext ctx) {
    Grant g = acquire(cpu, ctx.now() + afterNs, holdNs);
    if (g.waitNs() > 0 && lockClass != null) {
      node.reply(cpu, afterNs, new LockContended(lockClass, g.waitNs()), ctx);
    }
    node.reply(cpu, afterNs + g.doneAfterNs(), reply, ctx);
  }
}
