package dfsim.cpus;

import dfsim.core.program.Op;
import dfsim.core.program.VmObjectSpec;
import dfsim.core.sim.LpContext;

/**
 * madvise(MADV_DONTNEED) (sys/vm/vm_mmap.c sys_madvise(), vm_map.c vm_map_madvise(), vm_object.c
 * vm_object_madvise(), vm_page.c vm_page_dontneed(), the same from 85946b6c^ to e3c330f0): under
 * the map's read lock, vm_object_hold() of the entry's object, then for each page of the range
 * vm_page_lookup_busy_try() and, for a resident page, vm_page_dontneed(): a move to the inactive
 * queue of its colour under the queue's spinlock. DragonFly neither unmaps the pages nor
 * invalidates a TLB here (Linux zaps them). See docs/model/programs.md.
 */
final class VmMadvise {
  private final Globaldata gd;
  private final KStepRunner steps;
  private final VmPageAlloc pages;

  VmMadvise(Globaldata gd, KStepRunner steps, VmPageAlloc pages) {
    this.gd = gd;
    this.steps = steps;
    this.pages = pages;
  }

  void madvise(SimThread t, Op.Madvise m, LpContext ctx) {
    steps.syscall(t, ctx);
    t.ksteps.add(new KStep.Acquire(m.objectId(), false));
    t.ksteps.add(new KStep.Work(m.count() * gd.cost.vmPageLookupNs()));
    VmObjectSpec o = gd.plan.objects().get(m.objectId());
    for (int pindex : m.resident()) {
      t.ksteps.add(pages.pageQueue(o, pindex));
    }
    t.ksteps.add(new KStep.Release(m.objectId(), false));
    steps.next(ctx);
  }
}
