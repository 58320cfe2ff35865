package dfsim.cpus;

import dfsim.core.config.Costs;
import dfsim.core.config.VmFaultSettings;
import dfsim.core.protocol.ObjectTokenRequest.PageBusy;
import java.util.Deque;

/**
 * {@code kernel.vm-fault.lock-mode}: how vm_fault(), fork, exec and exit lock VM objects
 * (sys/vm/vm_fault.c, vm_object.c, vm_map.c, sys/kern/kern_exec.c at 501747bf and its parent).
 * Each method returns or adds the kernel steps, or the choice, that differ between the two
 * kernels; everything the two share stays with the caller. See docs/model/vm-fault.md and
 * docs/model/kern-proc.md.
 */
sealed interface ObjectLocking {

  static ObjectLocking of(VmFaultSettings.LockMode mode, Costs cost) {
    return mode == VmFaultSettings.LockMode.EXCLUSIVE ? new Exclusive(cost) : new SharedTwoStage(cost);
  }

  /** vm_object_reference() / vm_object_deallocate() of {@code object}: {@code delta} = +1 or -1. */
  KStep reference(int object, int delta);

  /** exec_map_first_page(): the ELF header page of the binary's vnode object, looked up and held. */
  KStep execFirstPage(int vnode);

  /** vm_object_shadow() of the vnode object, on the first write to a file-backed private mapping. */
  void shadow(Deque<KStep> steps, int vnode);

  /** The shadow's drop of its backing reference at exit, under the vnode's exclusive token. */
  KStep shadowBackingDrop(int vnode);

  /** What a shared read fault on the vnode's page does if a fault in progress has it busy. */
  PageBusy vnodeReadBusy();

  /** Whether a fault through the vnode's shadow starts with the shadow shared ({@code multi}: PMAP_MULTI). */
  boolean shadowFaultStartsShared(boolean multi);

  /** The work of a shared hit on the vnode's page: the lookup, and the vnode pager's lock if taken. */
  long vnodeSharedHitNs();

  /**
   * Before 501747bf: references and drops under the object's exclusive token, exec's first page
   * held exclusively, the shadow built under the vnode's exclusive token and put on its shadow
   * list; a shared read fault gives up on a busy page and retries exclusively.
   */
  record Exclusive(Costs cost) implements ObjectLocking {
    @Override
    public KStep reference(int object, int delta) {
      return new KStep.Hold(object, false, cost.atomicNs(), delta);
    }

    @Override
    public KStep execFirstPage(int vnode) {
      return new KStep.Hold(vnode, false, cost.vmPageLookupNs() + cost.atomicNs(), 0);
    }

    @Override
    public void shadow(Deque<KStep> steps, int vnode) {
      steps.add(new KStep.Hold(vnode, false, cost.vmObjectAllocNs() + 2 * cost.atomicNs() + cost.vmMapEntryNs(), 0));
    }

    @Override
    public KStep shadowBackingDrop(int vnode) {
      // Also leaves the vnode's shadow list under the token.
      return new KStep.Hold(vnode, false, cost.atomicNs() + cost.vmMapEntryNs(), -1);
    }

    @Override
    public PageBusy vnodeReadBusy() {
      return PageBusy.TRY;
    }

    @Override
    public boolean shadowFaultStartsShared(boolean multi) {
      return false;
    }

    @Override
    public long vnodeSharedHitNs() {
      return cost.vmPageLookupNs();
    }
  }

  /**
   * From 501747bf: lockless references (vm_object_reference_quick()) and drops above 3 refs,
   * exec's first page held shared, no shadow list; a shared fault waits for a busy page; a
   * multi-threaded process's fault through a shadow starts shared (single-threaded ones keep the
   * exclusive shortcut); a shared hit takes the vnode pager's lock.
   */
  record SharedTwoStage(Costs cost) implements ObjectLocking {
    @Override
    public KStep reference(int object, int delta) {
      return new KStep.Ref(object, delta, cost.atomicNs());
    }

    @Override
    public KStep execFirstPage(int vnode) {
      return new KStep.Hold(vnode, true, cost.vmPageLookupNs() + cost.atomicNs(), 0);
    }

    @Override
    public void shadow(Deque<KStep> steps, int vnode) {
      steps.add(new KStep.Ref(vnode, +1, cost.atomicNs()));
      steps.add(new KStep.Work(cost.vmObjectAllocNs()));
      steps.add(new KStep.Ref(vnode, -1, cost.atomicNs()));
    }

    @Override
    public KStep shadowBackingDrop(int vnode) {
      return new KStep.Hold(vnode, false, cost.atomicNs(), -1);
    }

    @Override
    public PageBusy vnodeReadBusy() {
      return PageBusy.WAIT;
    }

    @Override
    public boolean shadowFaultStartsShared(boolean multi) {
      return multi;
    }

    @Override
    public long vnodeSharedHitNs() {
      return cost.vmPageLookupNs() + cost.vnodePagerLockNs();
    }
  }
}
