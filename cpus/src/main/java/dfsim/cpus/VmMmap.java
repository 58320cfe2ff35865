package dfsim.cpus;

import dfsim.core.metrics.CpuState;
import dfsim.core.program.Op;
import dfsim.core.program.VmObjectSpec;
import dfsim.core.protocol.TokenIntent;
import dfsim.core.protocol.ObjectTokenGranted;
import dfsim.core.protocol.ObjectTokenRelease;
import dfsim.core.protocol.ObjectTokenRequest;
import dfsim.core.sim.LpContext;

/**
 * munmap() (sys/vm/vm_mmap.c, vm_map.c): for anonymous memory, take the object's lock, remove its
 * pages in the range and pmap_remove() their PTEs; for a file, pmap_remove() the PTEs only (the
 * pages stay in the page cache). Then the TLB invalidation ({@link PmapInval}), the pages'
 * vm_page_free(), the pv entries' zfree() and the lock's release. See docs/model/pmap.md.
 */
final class VmMmap {
  private final Globaldata gd;
  private final Pmap pmap;
  private final PmapInval inval;
  private final VmPageAlloc pages;
  /** The unmap in progress: its object, PTEs removed, pages to free, pv entries freed to this CPU's list. */
  private int object;
  private int ptes;
  private int[] freed;
  private boolean locked;
  private int ownPvFrees;

  VmMmap(Globaldata gd, Pmap pmap, PmapInval inval, VmPageAlloc pages) {
    this.gd = gd;
    this.pmap = pmap;
    this.inval = inval;
    this.pages = pages;
  }

  void munmap(Op.Unmap u, LpContext ctx) {
    gd.meter.enter(CpuState.BUSY, ctx.now());
    VmObjectSpec o = gd.plan.objects().get(u.objectId());
    if (o.file()) {
      int n = Math.max(0, Math.min(u.count(), o.pages() - u.start()));
      removeMappings(u.objectId(), n, new int[0], false, gd.cost.syscallNs(), ctx);
      return;
    }
    gd.sendHome(u.objectId(), gd.cost.syscallNs(),
        new ObjectTokenRequest(u.objectId(), TokenIntent.UNMAP, u.start(), u.count(), gd.cpu), ctx);
  }

  /** The object's lock, with the pages it removed from the range. */
  void onGranted(ObjectTokenGranted g, LpContext ctx) {
    removeMappings(g.objectId(), g.removed().length, g.removed(), true, 0, ctx);
  }

  /**
   * pmap_remove() of {@code n} PTEs after {@code beforeNs}, their invalidation, then the frees of
   * {@code freedPages} and the lock's release if held.
   */
  private void removeMappings(int objectId, int n, int[] freedPages, boolean holdsLock, long beforeNs,
      LpContext ctx) {
    object = objectId;
    ptes = n;
    freed = freedPages;
    locked = holdsLock;
    ownPvFrees = pmap.pvFreeToOwnList(n);
    long ns = inval.invalidate(gd.curthread.spec.pid(), n, beforeNs + n * gd.cost.pmapRemoveNs(), ctx);
    if (ns >= 0) {
      complete(ns, ctx);
    }
  }

  /** The invalidation IPIs are acknowledged; {@code tailNs} of work remain. */
  void onShootdownDone(long tailNs, LpContext ctx) {
    complete(tailNs, ctx);
  }

  /** After {@code workNs}: vm_page_free() the pages, zfree() the pv entries, release the lock. */
  private void complete(long workNs, LpContext ctx) {
    long work = workNs + freed.length * gd.cost.vmPageFreeNs() + ownPvFrees * gd.cost.zonePcpuNs();
    pmap.pvFreeToZone(ptes, ownPvFrees, work, ctx);
    pages.free(freed, work, ctx);
    if (locked) {
      gd.sendHome(object, work, new ObjectTokenRelease(object, -1, -1, gd.cpu), ctx);
    }
    freed = null;
    gd.step(work, Globaldata.Step.UNMAP_DONE, ctx);
  }
}
