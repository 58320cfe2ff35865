package dfsim.cpus;

import dfsim.core.metrics.CpuState;
import dfsim.core.program.BinaryImage;
import dfsim.core.program.Op;
import dfsim.core.program.VmObjectSpec;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimulationFailure;
import java.util.Deque;

/**
 * fork, exec and exit, and the faults of the image they run, as sequences of {@link KStep}s that
 * {@link KStepRunner} runs in order. The locking that 501747bf changed comes from
 * {@link ObjectLocking}; the rest is common to both kernels:
 *
 * <ul>
 *   <li>fork, vmspace_fork() / vm_map_copy_entry() (sys/vm/vm_map.c): per entry, vm_map_split()
 *       references its object (an object without a handle under its exclusive token); writable
 *       PTEs of entries not yet NEEDS_COPY are write-protected by pmap_protect(), one local
 *       invalidation each (the parent is single-threaded); pmap_copy() does nothing on x86_64.
 *   <li>exec, kern_execve() (sys/kern/kern_exec.c): exec_map_first_page() holds the vnode
 *       object; exec_new_vmspace() removes the PTEs and every entry (vm_map_delete(): vnode
 *       objects held shared, others exclusively) and drops each reference; load_section()
 *       (sys/kern/imgact_elf.c) maps each PT_LOAD under a shared hold.
 *   <li>exit, vmspace_terminate() / vm_map_remove(): PTEs removed with one local flush, each
 *       entry deleted as in exec; a private object is terminated, and a shadow of the vnode
 *       object drops its backing reference under the vnode's exclusive token.
 * </ul>
 *
 * Each also pays its work beyond the VM, uncontended: {@code cost.fork-proc},
 * {@code cost.exec-image}, {@code cost.exit-proc} (process and lwp setup, namei, the ELF headers,
 * exit1() and the parent's wait4()).
 *
 * See docs/model/kern-proc.md.
 */
final class KernProc {
  private final Globaldata gd;
  private final ObjectLocking locking;
  private final KStepRunner steps;
  private final FaultMapToken mapToken;
  private final Pmap pmap;
  /** Objects this CPU has created (their ids). */
  private long objectsCreated;

  KernProc(Globaldata gd, ObjectLocking locking, FaultMapToken mapToken, Pmap pmap, KStepRunner steps) {
    this.gd = gd;
    this.mapToken = mapToken;
    this.pmap = pmap;
    this.locking = locking;
    this.steps = steps;
  }

  /** fork, exec, exit, or a fault on the running image: its steps, then run them. */
  void start(SimThread t, Op op, LpContext ctx) {
    gd.meter.enter(CpuState.BUSY, ctx.now());
    Deque<KStep> ks = t.newKSteps();
    if (op instanceof Op.Fork) {
      t.parentSpace = t.space;
      t.space = fork(t.space, ks);
    } else if (op instanceof Op.Exec x) {
      t.space = exec(t.space, x.image(), ks);
    } else if (op instanceof Op.ExitProcess) {
      if (t.parentSpace == null) {
        throw new SimulationFailure("thread " + t.spec.tid() + " exits a process it never forked");
      }
      exit(t.space, ks);
      t.space = t.parentSpace;
      t.parentSpace = null;
    } else {
      fault(t, (Op.MapFault) op);
    }
    steps.next(ctx);
  }

  /** fork(): the child's address space, and the parent's steps building it. */
  private VmSpace fork(VmSpace parent, Deque<KStep> ks) {
    ks.add(new KStep.Work(gd.cost.syscallNs() + gd.cost.forkProcNs()));
    int vnode = parent.image.vnodeObject();
    int protect = 0;
    for (VmSpace.Entry e : parent.entries) {
      if (e.object < 0) {
        continue;
      }
      if (e.onVnode) {
        ks.add(locking.reference(vnode, +1));
      } else {
        // vm_map_split()'s early exit for objects without a handle: exclusive token, reference.
        ks.add(new KStep.Hold(e.object, false, gd.cost.atomicNs(), +1));
      }
      if (!e.needsCopy) {
        protect += e.writable.cardinality();
        e.writable.clear();
        e.needsCopy = true;
      }
    }
    if (protect > 0) {
      ks.add(new KStep.Protect(protect));
    }
    ks.add(new KStep.Work(parent.entries.length * gd.cost.vmMapEntryNs()));
    ks.add(new KStep.Switch());
    return new VmSpace(parent);
  }

  /** execve() of {@code image} by a process whose address space is {@code old}: the new space. */
  private VmSpace exec(VmSpace old, BinaryImage image, Deque<KStep> ks) {
    ks.add(new KStep.Work(gd.cost.syscallNs() + gd.cost.execImageNs()));
    int vnode = image.vnodeObject();
    ks.add(locking.execFirstPage(vnode));
    if (old != null) {
      removeAll(old, ks);
    }
    VmSpace next = new VmSpace(image);
    for (VmSpace.Entry e : next.entries) {
      if (e.onVnode) {
        // load_section(): reference under a shared hold, then vm_map_insert().
        ks.add(new KStep.Hold(vnode, true, gd.cost.atomicNs() + gd.cost.vmMapEntryNs(), +1));
      } else {
        ks.add(new KStep.Work(gd.cost.vmMapEntryNs()));
      }
    }
    return next;
  }

  /** exit() of a forked child. */
  private void exit(VmSpace child, Deque<KStep> ks) {
    ks.add(new KStep.Work(gd.cost.syscallNs() + gd.cost.exitProcNs()));
    removeAll(child, ks);
    ks.add(new KStep.Switch());
  }

  /** pmap_remove_pages() then vm_map_remove() of every entry. */
  private void removeAll(VmSpace s, Deque<KStep> ks) {
    ks.add(new KStep.RemovePtes(s.mappedPtes()));
    int vnode = s.image.vnodeObject();
    for (VmSpace.Entry e : s.entries) {
      if (e.object < 0) {
        continue;
      }
      if (e.onVnode) {
        ks.add(new KStep.Hold(vnode, true, gd.cost.vmMapEntryNs(), 0));
        ks.add(locking.reference(vnode, -1));
      } else if (e.own) {
        ks.add(new KStep.Terminate(e.object));
        if (e.shadow) {
          ks.add(locking.shadowBackingDrop(vnode));
        }
      } else {
        // Another process's object (the parent's, after fork): delete the entry, drop the ref.
        ks.add(new KStep.Hold(e.object, false, gd.cost.vmMapEntryNs(), 0));
        ks.add(locking.reference(e.object, -1));
      }
      e.mapped.clear();
      e.writable.clear();
    }
  }

  /**
   * The steps of a fault on the running image: which objects, and for a first write to the data
   * segment, vm_object_shadow() of the vnode object first.
   */
  private void fault(SimThread t, Op.MapFault f) {
    VmSpace s = t.space;
    if (s == null) {
      throw new SimulationFailure("thread " + t.spec.tid() + " faults before any exec");
    }
    VmSpace.Entry e = s.entry(f.segment());
    if (f.page() < 0 || f.page() >= s.image.pages(f.segment())) {
      throw new SimulationFailure("fault on page " + f.page() + " of " + f.segment() + " outside the image");
    }
    if (e.mapped.get(f.page()) && (!f.write() || e.writable.get(f.page()))) {
      return;
    }
    if (e.needsCopy && !e.onVnode && f.write()) {
      // A write through memory shared copy-on-write with another process (after fork, before
      // exec) would shadow a private object; the model's shadows back onto the vnode only.
      throw new SimulationFailure("thread " + t.spec.tid() + " writes " + f.segment()
          + " memory shared copy-on-write with a forked process: not modelled (exec first)");
    }
    if (f.write() && f.segment().fileBacked() && e.mapped.get(f.page())) {
      // The COW's vm_page_protect(old, NONE) would find the page mapped here and in whichever
      // other pmaps read it; the model does not track a file page's mappers.
      throw new SimulationFailure("thread " + t.spec.tid() + " writes page " + f.page() + " of "
          + f.segment() + " after reading it: a COW of a mapped file page is not modelled");
    }
    int vnode = s.image.vnodeObject();
    // vm_fault() holds the map token throughout where the era does. A forked child takes its
    // parent's: both are single-threaded on one CPU, so it is uncontended either way.
    int map = pmap.mapToken(t.spec.pid());
    mapToken.addGet(t.ksteps, map);
    if (f.segment().fileBacked()) {
      int vpage = s.image.filePage(f.segment()) + f.page();
      if (e.onVnode && f.write()) {
        int shadow = newObject();
        locking.shadow(t.ksteps, vnode);
        e.object = shadow;
        e.onVnode = false;
        e.shadow = true;
        e.own = true;
        e.needsCopy = false;
      }
      if (e.onVnode) {
        t.ksteps.add(new KStep.Fault(KStep.FaultKind.VNODE_READ, vnode, vpage, -1, 0));
      } else {
        t.ksteps.add(new KStep.Fault(f.write() ? KStep.FaultKind.COW : KStep.FaultKind.SHADOW_READ,
            e.object, f.page(), vnode, vpage));
      }
    } else {
      if (e.object < 0) {
        // vm_map_entry_allocate_object() on the first fault.
        e.object = newObject();
        e.own = true;
        t.ksteps.add(new KStep.Work(gd.cost.vmObjectAllocNs()));
      }
      t.ksteps.add(new KStep.Fault(KStep.FaultKind.ZERO_FILL, e.object, f.page(), -1, 0));
    }
    mapToken.addRel(t.ksteps, map);
    e.mapped.set(f.page());
    if (f.write()) {
      e.writable.set(f.page());
    }
  }

  /** vm_object_allocate() by this CPU: an id that homes the object on this CPU's node. */
  private int newObject() {
    return VmObjectSpec.dynamicId(gd.cpu, objectsCreated++, gd.topo.cpus());
  }
}
