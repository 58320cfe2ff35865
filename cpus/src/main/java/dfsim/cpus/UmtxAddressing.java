package dfsim.cpus;

import dfsim.core.config.Costs;
import dfsim.core.config.UmtxSettings;
import dfsim.core.config.VmPageSettings;
import dfsim.core.kernel.VmFaultPage;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.topology.Topology;
import java.util.Deque;

/**
 * {@code kernel.umtx.impl}: how umtx_sleep() and umtx_wakeup() find the physical address of the
 * mutex word they sleep or wake on (sys/kern/kern_umtx.c at afd7f124 and its parent), as the
 * kernel steps of each call. See docs/model/kern-umtx.md.
 */
sealed interface UmtxAddressing {

  static UmtxAddressing of(UmtxSettings umtx, boolean quick, Costs cost, VmFaultPage page, FaultMapToken mapToken,
      VmPageSettings vm, VmPageAlloc pages, WorkloadPlan plan, Topology topo) {
    if (umtx.ptmap()) {
      return new Ptmap(cost, umtx);
    }
    return quick ? new FaultPageQuick(cost, umtx) : new FaultPage(cost, umtx, page, mapToken, vm, pages, plan, topo);
  }

  /** Adds the steps of process {@code pid}'s umtx_sleep(word, expected) ({@code sleep}) or umtx_wakeup(word, 1). */
  void callSteps(Deque<KStep> steps, int pid, int object, int word, boolean sleep, int expected);

  /**
   * The sleep or wakeup of a call that resolved the page by fault and holds it (no timeout, the
   * word read through the held page), then the hold's drop.
   */
  private static void sleepOrWakeHeld(Deque<KStep> steps, int object, int word, boolean sleep, int expected,
      long pollNs) {
    steps.add(sleep ? new KStep.UmtxSleep(object, word, expected, 0, pollNs, true)
        : new KStep.UmtxWake(object, word, 1, true));
    steps.add(new KStep.Atomic(object));
  }

  /**
   * Before a86ce0cd34 (2013, {@code kernel.vm-fault-page.quick = off}), the 2011 umtx path:
   * vm_fault_page_quick() under the process's map token and the object's token,
   * both exclusive, holding the page (an atomic on its vm_page, which every thread using the
   * mutex shares) and activating it under its page queue's spinlock; the hold is dropped when the
   * call returns. The page is resolved for writing, so a page shared copy-on-write since a fork
   * is copied, and the sleeper reads the word through the page it holds. Sleeps have no timeout.
   */
  final class FaultPage implements UmtxAddressing {
    private final Costs cost;
    private final UmtxSettings umtx;
    private final VmPageSettings vm;
    private final WorkloadPlan plan;
    private final Topology topo;
    private final FaultMapToken mapToken;
    private final VmPageAlloc pages;
    private final long lookupNs;

    FaultPage(Costs cost, UmtxSettings umtx, VmFaultPage page, FaultMapToken mapToken, VmPageSettings vm,
        VmPageAlloc pages, WorkloadPlan plan, Topology topo) {
      this.cost = cost;
      this.pages = pages;
      this.mapToken = mapToken;
      this.umtx = umtx;
      this.vm = vm;
      this.plan = plan;
      this.topo = topo;
      this.lookupNs = cost.vmPageLookupNs() + (page.entersPmap() ? cost.pmapEnterNs() : 0);
    }

    @Override
    public void callSteps(Deque<KStep> steps, int pid, int object, int word, boolean sleep, int expected) {
      steps.add(new KStep.Work(cost.syscallNs()));
      VmFaultPageSteps.add(steps, mapToken, plan.mapTokenOfProcess(pid, topo), object, lookupNs, new KStep.Atomic(object),
          new KStep.Activate(pages.queueNode(plan.homeOf(object, topo)), vm.objectColour(object) + word / 1024, "vm_page_activate"));
      sleepOrWakeHeld(steps, object, word, sleep, expected, umtx.delayNs());
    }
  }

  /**
   * Before afd7f124, from a86ce0cd34 (2013, {@code kernel.vm-fault-page.quick = on}):
   * vm_fault_page_quick() first tries pmap_fault_page_quick(): pm_spin shared and the page-table
   * page's pv lock, exclusive and common to every thread using the page (the page's object token
   * stands for it here), the page held under its spinlock (an atomic on its line); no map or
   * object token, no activation. The full vm_fault_page() runs only for a missing or read-only
   * PTE, i.e. the COW after a fork, which the page's home resolves. The hold lasts to the call's
   * end; sleeps have no timeout.
   */
  final class FaultPageQuick implements UmtxAddressing {
    private final Costs cost;
    private final UmtxSettings umtx;

    FaultPageQuick(Costs cost, UmtxSettings umtx) {
      this.cost = cost;
      this.umtx = umtx;
    }

    @Override
    public void callSteps(Deque<KStep> steps, int pid, int object, int word, boolean sleep, int expected) {
      // pm_spin taken and dropped shared twice: two atomics on the pmap's line, with the lookup.
      steps.add(new KStep.Work(cost.syscallNs() + cost.vmPageLookupNs() + 2 * cost.atomicNs()));
      steps.add(new KStep.Acquire(object, false));
      steps.add(new KStep.Atomic(object));
      steps.add(new KStep.Release(object, false));
      sleepOrWakeHeld(steps, object, word, sleep, expected, umtx.delayNs());
    }
  }

  /**
   * From afd7f124: fuword() and a PTE read through the PTmap self-map, with no lock; a sleep lasts
   * at most {@code kernel.umtx.timeout-max}; the word is read through the current mapping.
   */
  final class Ptmap implements UmtxAddressing {
    private final Costs cost;
    private final UmtxSettings umtx;

    Ptmap(Costs cost, UmtxSettings umtx) {
      this.cost = cost;
      this.umtx = umtx;
    }

    @Override
    public void callSteps(Deque<KStep> steps, int pid, int object, int word, boolean sleep, int expected) {
      steps.add(new KStep.Work(cost.syscallNs() + cost.vmPageLookupNs()));
      steps.add(sleep ? new KStep.UmtxSleep(object, word, expected, umtx.timeoutMaxNs(), umtx.delayNs(), false)
          : new KStep.UmtxWake(object, word, 1, false));
    }
  }
}
