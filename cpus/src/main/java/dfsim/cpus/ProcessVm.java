package dfsim.cpus;

import dfsim.core.config.Costs;
import dfsim.core.config.VmFaultSettings;
import dfsim.core.program.BinaryImage;
import java.util.Deque;

/**
 * The kernel paths of fork, exec and exit as sequences of {@link KStep}s, before and after
 * 501747bf (kernel.vm-fault.lock-mode). Citations are to the kernel at 501747bf^ (old) and
 * 501747bf (new):
 *
 * <ul>
 *   <li>fork, vmspace_fork() / vm_map_copy_entry() (sys/vm/vm_map.c): per entry, vm_map_split()
 *       references its object, under the exclusive token (old, vnode objects included) or with
 *       vm_object_reference_quick() and no lock for vnode objects (new); writable PTEs of
 *       entries not yet NEEDS_COPY are write-protected by pmap_protect(), one local invalidation
 *       each (the parent is single-threaded); pmap_copy() does nothing on x86_64.
 *   <li>exec, kern_execve() (sys/kern/kern_exec.c): exec_map_first_page() holds the vnode object
 *       exclusively (old) or shared (new fast path); exec_new_vmspace() removes the PTEs and every
 *       entry (vm_map_delete(): vnode objects held shared at both, others exclusively) and drops
 *       each reference (vm_object_deallocate(): always exclusive before, lockless above 3 refs
 *       after); load_section() (sys/kern/imgact_elf.c) maps each PT_LOAD under a shared hold.
 *   <li>exit, vmspace_terminate() / vm_map_remove(): PTEs removed with one local flush, each entry
 *       deleted as in exec; a private object is terminated, and a shadow of the vnode object
 *       takes the vnode's token exclusively to drop its backing reference (both), and before
 *       501747bf also to leave the vnode's shadow list.
 * </ul>
 */
final class ProcessVm {
  private final Costs cost;
  private final boolean shared;

  ProcessVm(Costs cost, VmFaultSettings fault) {
    this.cost = cost;
    this.shared = fault.shared();
  }

  /** fork(): the child's address space, and the parent's steps building it. */
  VmSpace fork(VmSpace parent, Deque<KStep> steps) {
    steps.add(new KStep.Work(cost.syscallNs()));
    int vnode = parent.image.vnodeObject();
    int protect = 0;
    for (VmSpace.Entry e : parent.entries) {
      if (e.object < 0) {
        continue;
      }
      if (e.onVnode) {
        steps.add(shared ? new KStep.Ref(vnode, +1, cost.atomicNs())
            : new KStep.Hold(vnode, false, cost.atomicNs(), +1));
      } else {
        // vm_map_split()'s early exit for objects without a handle: exclusive token, reference.
        steps.add(new KStep.Hold(e.object, false, cost.atomicNs(), +1));
      }
      if (!e.needsCopy) {
        protect += e.writable.cardinality();
        e.writable.clear();
        e.needsCopy = true;
      }
    }
    if (protect > 0) {
      steps.add(new KStep.Protect(protect));
    }
    steps.add(new KStep.Work(parent.entries.length * cost.vmMapEntryNs()));
    steps.add(new KStep.Switch());
    return new VmSpace(parent);
  }

  /** execve() of {@code image} by a process whose address space is {@code old}: the new space. */
  VmSpace exec(VmSpace old, BinaryImage image, Deque<KStep> steps) {
    steps.add(new KStep.Work(cost.syscallNs()));
    int vnode = image.vnodeObject();
    // exec_map_first_page(): the ELF header page, looked up and held.
    steps.add(new KStep.Hold(vnode, shared, cost.vmPageLookupNs() + cost.atomicNs(), 0));
    if (old != null) {
      removeAll(old, steps);
    }
    VmSpace next = new VmSpace(image);
    for (VmSpace.Entry e : next.entries) {
      if (e.onVnode) {
        // load_section(): reference under a shared hold, then vm_map_insert().
        steps.add(new KStep.Hold(vnode, true, cost.atomicNs() + cost.vmMapEntryNs(), +1));
      } else {
        steps.add(new KStep.Work(cost.vmMapEntryNs()));
      }
    }
    return next;
  }

  /** exit() of a forked child. */
  void exit(VmSpace child, Deque<KStep> steps) {
    steps.add(new KStep.Work(cost.syscallNs()));
    removeAll(child, steps);
    steps.add(new KStep.Switch());
  }

  /** pmap_remove_pages() then vm_map_remove() of every entry. */
  private void removeAll(VmSpace s, Deque<KStep> steps) {
    steps.add(new KStep.RemovePtes(s.mappedPtes()));
    int vnode = s.image.vnodeObject();
    for (VmSpace.Entry e : s.entries) {
      if (e.object < 0) {
        continue;
      }
      if (e.onVnode) {
        steps.add(new KStep.Hold(vnode, true, cost.vmMapEntryNs(), 0));
        steps.add(shared ? new KStep.Ref(vnode, -1, cost.atomicNs())
            : new KStep.Hold(vnode, false, cost.atomicNs(), -1));
      } else if (e.own) {
        steps.add(new KStep.Terminate(e.object));
        if (e.shadow) {
          // The shadow's backing reference: the vnode's token, exclusively, at both; before
          // 501747bf the shadow also leaves the vnode's shadow list under it.
          long work = cost.atomicNs() + (shared ? 0 : cost.vmMapEntryNs());
          steps.add(new KStep.Hold(vnode, false, work, -1));
        }
      } else {
        // Another process's object (the parent's, after fork): delete the entry, drop the ref.
        steps.add(new KStep.Hold(e.object, false, cost.vmMapEntryNs(), 0));
        steps.add(shared ? new KStep.Ref(e.object, -1, cost.atomicNs())
            : new KStep.Hold(e.object, false, cost.atomicNs(), -1));
      }
      e.mapped.clear();
      e.writable.clear();
    }
  }
}
