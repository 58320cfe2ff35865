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
 * munmap() (sys/vm/vm_mmap.c sys_munmap(), vm_map.c vm_map_remove()): under the map's
 * {@code map->token}, taken in every era, the map's own work ({@link VmMap#removeNs}); for
 * anonymous memory, take the object's lock, remove its pages in the range and pmap_remove() their
 * PTEs; for a file, pmap_remove() the PTEs only (the pages stay in the page cache). Then the TLB
 * invalidation ({@link PmapInval}), the pv entries' zfree(), the pages' vm_page_free() and the
 * tokens' release. See docs/model/pmap.md.
 */
final class VmMmap {
  private final Globaldata gd;
  private final Pmap pmap;
  private final PmapInval inval;
  private final VmPageAlloc pages;
  /** sys_munmap() holds map->token in every era, whether or not faults take it. */
  private static final FaultMapToken MAP_TOKEN = new FaultMapToken.HeldWholeFault();
  /** The munmap waiting for a token: the process's map token, then the object's. */
  private Op.Unmap pending;
  private boolean awaitingMap;
  private boolean awaitingObject;
  private int map;
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
    gd.meter.push("vm_map_remove", ctx.now());
    map = pmap.mapToken(gd.curthread.spec.pid());
    MAP_TOKEN.get(gd, map, gd.cost.syscallNs(), ctx);
    pending = u;
    awaitingMap = true;
  }

  /** vm_map_remove() of {@code u}'s range, after {@code beforeNs}. */
  private void unmap(Op.Unmap u, long beforeNs, LpContext ctx) {
    long afterNs = beforeNs + VmMap.removeNs(gd.cost);
    VmObjectSpec o = gd.plan.objects().get(u.objectId());
    if (o.file()) {
      int n = Math.max(0, Math.min(u.count(), o.pages() - u.start()));
      removeMappings(u.objectId(), n, new int[0], false, afterNs, ctx);
      return;
    }
    awaitingObject = true;
    gd.sendHome(u.objectId(), afterNs,
        new ObjectTokenRequest(u.objectId(), TokenIntent.UNMAP, u.start(), u.count(), gd.cpu), ctx);
  }

  /** Returns whether a munmap waits for a token. */
  boolean waiting() {
    return awaitingMap || awaitingObject;
  }

  /** The map token, or the object's with the pages it removed from the range. */
  void onGranted(ObjectTokenGranted g, LpContext ctx) {
    if (awaitingMap) {
      awaitingMap = false;
      unmap(pending, 0, ctx);
      pending = null;
      return;
    }
    awaitingObject = false;
    removeMappings(g.objectId(), g.removed().length, g.removed(), true, 0, ctx);
  }

  /**
   * pmap_remove() of {@code n} PTEs after {@code beforeNs}, each invalidated as it goes, then the
   * frees of {@code freedPages} and the token's release if held.
   */
  private void removeMappings(int objectId, int n, int[] freedPages, boolean holdsLock, long beforeNs,
      LpContext ctx) {
    object = objectId;
    ptes = n;
    freed = freedPages;
    locked = holdsLock;
    ownPvFrees = pmap.pvFreeToOwnList(n);
    gd.meter.push("pmap_remove", ctx.now());
    long ns = inval.pmapRemove(gd.curthread.spec.pid(), n, beforeNs, ctx);
    if (ns >= 0) {
      complete(ns, ctx);
    }
  }

  /** The invalidation IPIs are acknowledged; {@code tailNs} of work remain. */
  void onShootdownDone(long tailNs, LpContext ctx) {
    complete(tailNs, ctx);
  }

  /** After {@code workNs}: zfree() the pv entries (waiting for the zone if any go there), then the pages. */
  private void complete(long workNs, LpContext ctx) {
    // The PTEs' removal ends after workNs: the pv entries' zfree() and the pages' frees follow,
    // attributed to pmap_remove(), which does them.
    long work = workNs + ownPvFrees * gd.cost.zonePcpuNs();
    if (!pmap.pvFreeToZone(ptes, ownPvFrees, work, ctx)) {
      freePages(work, ctx);
    }
  }

  /** The pv entries are on the zone's global list. */
  void onZoneFreed(LpContext ctx) {
    gd.spin.endIfAny(ctx);
    freePages(0, ctx);
  }

  /** After {@code workNs}: vm_page_free() the pages, release the token. */
  private void freePages(long workNs, LpContext ctx) {
    long work = workNs + freed.length * gd.cost.vmPageFreeNs();
    pages.free(freed, work, ctx);
    if (locked) {
      gd.sendHome(object, work, new ObjectTokenRelease(object, -1, -1, gd.cpu), ctx);
    }
    MAP_TOKEN.rel(gd, map, work, ctx);
    freed = null;
    gd.step(work, Globaldata.Step.UNMAP_DONE, ctx);
  }
}
