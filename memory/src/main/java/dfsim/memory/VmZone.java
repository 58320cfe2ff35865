package dfsim.memory;

import dfsim.core.metrics.ContentionStats;
import dfsim.core.metrics.LockClass;
import dfsim.core.protocol.ZoneAlloc;
import dfsim.core.protocol.ZoneAllocated;
import dfsim.core.protocol.ZoneFree;
import dfsim.core.protocol.ZoneFreed;
import dfsim.core.sim.LpContext;

/**
 * pvzone's global free list and its spinlock (zlock, sys/vm/vm_zone.c): zalloc() and zfree() of
 * pv entries that miss a CPU's own list. Kernel memory, and so the zone, lives on node 0. See
 * docs/model/vm-zone.md.
 */
final class VmZone {
  private final Node n;
  private final QueueLock zlock;
  final ContentionStats stats = new ContentionStats();

  VmZone(Node n) {
    this.n = n;
    this.zlock = new QueueLock(n, LockClass.ZONE, stats);
  }

  /** zalloc() from the global list under the zone spinlock. */
  void onAlloc(ZoneAlloc z, LpContext ctx) {
    zlock.acquireAndReply(n, z.cpu(), 0, n.cost.zoneLockedNs(), new ZoneAllocated(), ctx);
  }

  /**
   * zfree() of {@code count} entries to the global list under the zone spinlock: the freeing CPU
   * spins for the lock like an allocating one. The entries go in one hold of the lock.
   */
  void onFree(ZoneFree z, LpContext ctx) {
    zlock.acquireAndReply(n, z.cpu(), 0, z.count() * n.cost.zoneLockedNs(), new ZoneFreed(), ctx);
  }
}
