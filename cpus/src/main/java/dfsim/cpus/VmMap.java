package dfsim.cpus;

import dfsim.core.config.BrkSettings;
import dfsim.core.config.Costs;
import dfsim.core.program.Op;
import dfsim.core.protocol.BrkGranted;
import dfsim.core.sim.LpContext;

/**
 * The process map's side of mmap() and munmap() (sys/vm/vm_mmap.c kern_mmap(), vm_mmap(),
 * sys_munmap(); sys/vm/vm_map.c vm_map_find(), vm_map_remove(); the same from 85946b6c^ to
 * e3c330f0): both hold the map's {@code map->token} from start to end in every era, and inside it
 * the map's lockmgr lock exclusively. Map entries come from the CPU's own cache
 * (vm_map_entry_reserve()). An anonymous mapping gets no VM object until its first fault
 * (vm_map_entry_allocate_object()), so the munmap of one never touched removes its entry and
 * nothing else: no pmap_remove(), no TLB invalidation, no IPI. The lockmgr lock is priced, never
 * contended: every writer holds the token first, and faults' shared holds are left out.
 *
 * <p>A private mapping of a file (will-it-scale's mmap2) maps the vnode's VM object itself; the
 * shadow comes with the first store. vm_mmap() takes a reference on the object
 * (vnode_pager_reference(): under the object's token before 501747bf-era lockless references,
 * {@link ObjectLocking#reference}; its vnode token and VOLOCK flag before 2017 are left out), and the munmap of the untouched entry runs vm_map_delete()'s
 * object-backed branch: pmap_remove() of the range, which finds no page-table page (a pv lookup
 * per 2 MB of it, pmap_scan()), and vm_object_deallocate() of the reference (the last the map
 * has: under the object's token in every era).
 *
 * <p>brk() (sys/vm/vm_unix.c sys_obreak(); vm_map.c vm_map_insert(), vm_map_delete(),
 * _vm_map_clip_start(); vm_object.c vm_object_coalesce()) holds the map token throughout too; the
 * break it guards lives with the token's home, which says at the grant where it was
 * ({@link BrkSettings.Mode}). A grow extends the brk entry, coalescing its object's size under
 * the object's lock if it has one; the first grow makes the entry, referencing the image's bss
 * object (kernel.brk = coalesce) or no object. A shrink clips the entry where the break goes
 * (allocating its object if it has none, and referencing it for the new piece), then deletes the
 * piece above: under the object's lock a pmap_remove() that finds no PTE (brk never touches the
 * pages here) and vm_object_page_remove(), then the piece's reference dropped. See
 * docs/model/programs.md.
 */
final class VmMap {
  /** The profile's name for taking a map's token. */
  static final String GETTOKEN = "lwkt_gettoken";

  /** Pages a page-table page maps (2 MB): pmap_scan() looks one up per such step of a range. */
  static final int PAGES_PER_PT = 512;

  private final Globaldata gd;
  private final Pmap pmap;
  private final KStepRunner steps;
  private final ObjectLocking locking;
  private final BrkSettings.Mode brk;
  private final KernDescrip descrip;

  VmMap(Globaldata gd, Pmap pmap, KStepRunner steps, ObjectLocking locking, BrkSettings.Mode brk,
      KernDescrip descrip) {
    this.gd = gd;
    this.descrip = descrip;
    this.brk = brk;
    this.pmap = pmap;
    this.steps = steps;
    this.locking = locking;
  }

  /**
   * vm_map_find()'s work: the lockmgr lock taken and dropped (an atomic each), vm_map_findspace()'s
   * lookup and vm_map_insert()'s new entry.
   */
  static long findNs(Costs c) {
    return 2 * c.atomicNs() + c.vmPageLookupNs() + c.vmMapEntryNs();
  }

  /**
   * vm_map_check_protection() (the lock shared: two atomics and a lookup) and vm_map_remove()
   * (exclusive: two atomics, a lookup and the entry's unlink and dispose).
   */
  static long removeNs(Costs c) {
    return 4 * c.atomicNs() + 2 * c.vmPageLookupNs() + c.vmMapEntryNs();
  }

  /**
   * The work of pmap_remove() of {@code pages} with no page-table page under them: pmap_scan()'s
   * pv lookup (a miss) per 2 MB step.
   */
  static long emptyRemoveNs(Costs c, int pages) {
    return (long) Math.ceil(pages / (double) PAGES_PER_PT) * c.vmPageLookupNs();
  }

  /** mmap(): the token, a file's object referenced, vm_map_find(), the token's release. */
  void mmap(SimThread t, Op.Mmap m, LpContext ctx) {
    int map = underToken(t, m.vnode() >= 0, ctx);
    if (m.vnode() >= 0) {
      t.ksteps.add(locking.reference(m.vnode(), +1));
    }
    t.ksteps.add(new KStep.Call("vm_map_find", findNs(gd.cost)));
    release(t, map, ctx);
  }

  /**
   * munmap() of a mapping not touched since its mmap: the token, vm_map_remove() of the entry (and
   * for a file, the empty pmap_remove() and the object's deallocation), the release.
   */
  void munmapEmpty(SimThread t, Op.UnmapEmpty u, LpContext ctx) {
    int map = underToken(t, false, ctx);
    t.ksteps.add(new KStep.Call("vm_map_remove", removeNs(gd.cost)));
    if (u.vnode() >= 0) {
      t.ksteps.add(new KStep.Call("pmap_remove", emptyRemoveNs(gd.cost, u.pages())));
      t.ksteps.add(locking.reference(u.vnode(), -1));
    }
    release(t, map, ctx);
  }

  /** brk(): the entry, then the map token, whose grant says where the break was. */
  void obreak(SimThread t, Op.Brk b, LpContext ctx) {
    steps.syscall(t, ctx).add(new KStep.Obreak(pmap.mapToken(t.spec.pid()), b.pages()));
    steps.next(ctx);
  }

  /** The map token for brk(): the map's work for the move the home made, then the release. */
  void onBrkGranted(BrkGranted g, LpContext ctx) {
    SimThread t = gd.curthread;
    int object = ((Op.Brk) t.op).object();
    Costs c = gd.cost;
    if (g.newPages() > g.oldPages()) {
      boolean newEntry = g.oldPages() == 0;
      t.ksteps.add(new KStep.Call("vm_map_find", findNs(c) - (newEntry ? 0 : c.vmMapEntryNs())));
      if (newEntry && brk == BrkSettings.Mode.COALESCE || !newEntry && g.entryObject()) {
        t.ksteps.add(new KStep.Acquire(object, false));
        t.ksteps.add(new KStep.Call("vm_object_coalesce", 2 * c.atomicNs()));
        t.ksteps.add(new KStep.Release(object, false));
      }
      if (newEntry && brk == BrkSettings.Mode.COALESCE) {
        // The entry cannot extend the bss entry (its protection differs): a new one references the object.
        t.ksteps.add(new KStep.Hold(object, false, c.atomicNs(), +1));
      }
    } else if (g.newPages() < g.oldPages()) {
      // vm_map_remove(): the clip's new entry and the deleted piece's unlink and dispose.
      t.ksteps.add(new KStep.Call("vm_map_remove", 2 * c.atomicNs() + c.vmPageLookupNs() + 2 * c.vmMapEntryNs()));
      if (!g.entryObject()) {
        t.ksteps.add(new KStep.Call("vm_object_allocate", c.vmObjectAllocNs()));
      }
      t.ksteps.add(new KStep.Hold(object, false, c.atomicNs(), +1));
      t.ksteps.add(new KStep.Acquire(object, false));
      t.ksteps.add(new KStep.Call("pmap_remove", emptyRemoveNs(c, g.oldPages() - g.newPages())));
      t.ksteps.add(new KStep.Call("vm_object_page_remove", 2 * c.atomicNs() + c.vmPageLookupNs()));
      t.ksteps.add(new KStep.Release(object, false));
      t.ksteps.add(locking.reference(object, -1));
    }
    t.ksteps.add(new KStep.Release(g.map(), false));
    steps.replied(ctx);
  }

  /**
   * The system call's entry, the file's lookup ({@code fd}: holdfp() of an mmap of a file), and
   * the process's map token; returns the token.
   */
  private int underToken(SimThread t, boolean fd, LpContext ctx) {
    int map = pmap.mapToken(t.spec.pid());
    steps.syscall(t, ctx);
    if (fd) {
      descrip.holdfp(t.ksteps, t.spec.pid());
    }
    t.ksteps.add(new KStep.Acquire(map, false, GETTOKEN));
    return map;
  }

  private void release(SimThread t, int map, LpContext ctx) {
    t.ksteps.add(new KStep.Release(map, false));
    steps.next(ctx);
  }
}
