package dfsim.cpus;

import dfsim.core.config.Costs;
import dfsim.core.metrics.CpuState;
import dfsim.core.program.Op;
import dfsim.core.sim.LpContext;

/**
 * The process map's side of mmap() and munmap() (sys/vm/vm_mmap.c kern_mmap(), vm_mmap(),
 * sys_munmap(); sys/vm/vm_map.c vm_map_find(), vm_map_remove(); the same from 85946b6c^ to
 * e3c330f0): both hold the map's {@code map->token} from start to end in every era, and inside it
 * the map's lockmgr lock exclusively. Map entries come from the CPU's own cache
 * (vm_map_entry_reserve()). An anonymous mapping gets no VM object until its first fault
 * (vm_map_entry_allocate_object()), so the munmap of one never touched removes its entry and
 * nothing else: no pmap_remove(), no TLB invalidation, no IPI. The lockmgr lock is priced, never
 * contended: every writer holds the token first, and faults' shared holds are left out. See
 * docs/model/programs.md.
 */
final class VmMap {
  /** The profile's name for taking a map's token. */
  static final String GETTOKEN = "lwkt_gettoken";

  private final Globaldata gd;
  private final Pmap pmap;
  private final KStepRunner steps;

  VmMap(Globaldata gd, Pmap pmap, KStepRunner steps) {
    this.gd = gd;
    this.pmap = pmap;
    this.steps = steps;
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

  /** mmap() of anonymous memory: the token, vm_map_find(), the token's release. */
  void mmap(SimThread t, Op.Mmap m, LpContext ctx) {
    underToken(t, "vm_map_find", findNs(gd.cost), ctx);
  }

  /** munmap() of anonymous memory with no object: the token, vm_map_remove() of the entry alone, the release. */
  void munmapEmpty(SimThread t, Op.UnmapEmpty u, LpContext ctx) {
    underToken(t, "vm_map_remove", removeNs(gd.cost), ctx);
  }

  private void underToken(SimThread t, String fn, long ns, LpContext ctx) {
    gd.meter.enter(CpuState.BUSY, ctx.now());
    int map = pmap.mapToken(t.spec.pid());
    t.newKSteps();
    t.ksteps.add(new KStep.Work(gd.cost.syscallNs()));
    t.ksteps.add(new KStep.Acquire(map, false, GETTOKEN));
    t.ksteps.add(new KStep.Call(fn, ns));
    t.ksteps.add(new KStep.Release(map, false));
    steps.next(ctx);
  }
}
