package dfsim.cpus;

import dfsim.core.config.Costs;
import dfsim.core.kernel.VmFaultPage;
import dfsim.core.program.Op;
import dfsim.core.sim.LpContext;

/**
 * procfs_rwmem() / ptrace PT_WRITE into another process's page (sys/vfs/procfs/procfs_mem.c):
 * vm_fault_page() on that process's map (its map and object tokens), the store (a COW if the
 * page is shared since a fork) and, before 385c96e4, pmap_enter() into that process's pmap from
 * this CPU, outside its pm_active. See docs/model/vm-fault-page.md.
 */
final class ProcfsMem {
  private final Globaldata gd;
  private final KStepRunner steps;
  /** What vm_fault_page() does after the store: pmap_enter() before 385c96e4, nothing from it. */
  private final KStep[] afterStore;
  private final FaultMapToken mapToken;

  ProcfsMem(Globaldata gd, KStepRunner steps, VmFaultPage page, FaultMapToken mapToken, Costs cost) {
    this.gd = gd;
    this.mapToken = mapToken;
    this.steps = steps;
    this.afterStore = page.entersPmap() ? new KStep[] {new KStep.Work(cost.pmapEnterNs())} : new KStep[0];
  }

  /** The debugger's store into {@code w}'s object. */
  void write(SimThread t, Op.PtraceWrite w, LpContext ctx) {
    steps.syscall(t, ctx);
    KStep[] underLocks = new KStep[1 + afterStore.length];
    underLocks[0] = new KStep.Poke(w.object());
    System.arraycopy(afterStore, 0, underLocks, 1, afterStore.length);
    VmFaultPageSteps.add(t.ksteps, mapToken, gd.plan.mapTokenOf(w.object()), w.object(), gd.cost.vmPageLookupNs(),
        underLocks);
    steps.next(ctx);
  }
}
