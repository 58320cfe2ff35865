package dfsim.cpus;

import java.util.Deque;

/**
 * vm_fault_page() (sys/vm/vm_fault.c) as kernel steps, for callers that want a page of a process's
 * map rather than a mapping (umtx before afd7f124, procfs/ptrace): under the map's token (if the
 * era holds it, {@link FaultMapToken}) and the object's token, both exclusive, the lookup and then
 * the caller's work. What it does with the
 * page (pmap_enter() or not) is {@link dfsim.core.kernel.VmFaultPage}'s choice. See
 * docs/model/vm-fault-page.md.
 */
final class VmFaultPageSteps {
  private VmFaultPageSteps() {}

  /** Adds vm_fault_page() on {@code object}'s page: {@code lookupNs}, then {@code underLocks}. */
  static void add(Deque<KStep> steps, FaultMapToken mapToken, int map, int object, long lookupNs,
      KStep... underLocks) {
    mapToken.addGet(steps, map);
    steps.add(new KStep.Acquire(object, false));
    steps.add(new KStep.Work(lookupNs));
    for (KStep k : underLocks) {
      steps.add(k);
    }
    steps.add(new KStep.Release(object, false));
    mapToken.addRel(steps, map);
  }
}
