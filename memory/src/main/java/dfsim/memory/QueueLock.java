package dfsim.memory;

import dfsim.core.metrics.ContentionStats;
import dfsim.core.topology.Topology;

/**
 * A spinlock that CPUs take in the order their requests reach it and hold for a known time (a
 * page-queue spinlock around a list operation). Since the hold is known, the home can tell a
 * requester at once how long it will spin: the wait emerges from the order of requests.
 */
final class QueueLock {
  private final Topology topo;
  private final ContentionStats stats;
  private long freeAt;
  private int lastOwner = -1;

  QueueLock(Topology topo, ContentionStats stats) {
    this.topo = topo;
    this.stats = stats;
  }

  /** The outcome of one acquisition: ns spinning, then ns until the critical section ends. */
  record Grant(long waitNs, long doneAfterNs) {}

  /**
   * Takes the lock for {@code cpu} at {@code now} and holds it {@code holdNs}; returns the spin
   * before it gets the lock and the time from {@code now} until it has released it.
   */
  Grant acquire(int cpu, long now, long holdNs) {
    long wait = Math.max(0, freeAt - now);
    long transfer = lastOwner >= 0 ? topo.transferNs(lastOwner, cpu) : 0;
    stats.acquires++;
    if (wait > 0) {
      stats.contended++;
    }
    if (transfer > 0) {
      stats.transfers++;
    }
    stats.holdNs += holdNs;
    lastOwner = cpu;
    freeAt = now + wait + transfer + holdNs;
    return new Grant(wait, wait + transfer + holdNs);
  }
}
