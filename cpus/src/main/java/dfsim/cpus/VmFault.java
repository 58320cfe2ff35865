package dfsim.cpus;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.CpuState;
import dfsim.core.metrics.Latency;
import dfsim.core.program.Op;
import dfsim.core.protocol.TokenIntent;
import dfsim.core.protocol.ObjectTokenGranted;
import dfsim.core.protocol.ObjectTokenRelease;
import dfsim.core.protocol.ObjectTokenRequest;
import dfsim.core.protocol.ObjectTokenRequest.PageBusy;
import dfsim.core.protocol.PageHashLookup;
import dfsim.core.protocol.PageHashResult;
import dfsim.core.sim.LpContext;

/**
 * vm_fault() (sys/vm/vm_fault.c at 501747bf and its parent): a page fault takes its first object's
 * token at the object's home memory LP, looks the page up, vm_page_alloc()s and zeroes (or copies)
 * one if it must, pmap_enter()s it and releases the token. Waiting for a held token is spin time.
 *
 * <p>Three callers: a program's fault on anonymous memory or a shared file ({@link #trap}, one
 * object, locked exclusively, optionally after a lockless vm_fault_quick() probe), a program's
 * store to a private file mapping ({@link #trapCow}, the map token where the era holds it, then
 * the copy-on-write below) and the image faults of fork/exec ({@link #trapInKernelPath}), whose
 * locking {@link ObjectLocking} chooses: a read of the vnode's
 * page shared with the page busied; an anonymous zero-fill that tries shared and restarts
 * exclusive to allocate (a shared miss in both kernels); a fault through the vnode's shadow,
 * exclusive in the old kernel and in a single-threaded process, else shared and restarted
 * exclusive to allocate; then the vnode object shared, and the copy or the mapping of its page.
 * See docs/model/vm-fault.md.
 */
final class VmFault {
  /** Where the fault in progress is in its locking. */
  private enum Phase {
    LEGACY, VNODE_SHARED, VNODE_EXCLUSIVE, ZF_SHARED, ZF_EXCLUSIVE, CHAIN_SHARED, CHAIN_FIRST, CHAIN_BACKING
  }

  private final Globaldata gd;
  private final ObjectLocking locking;
  private final FaultQuick quick;
  private final VmPageAlloc pageAlloc;
  private final Pmap pmap;
  private final FaultMapToken mapToken;
  /** The fault's process map token: asked for and not yet granted, or held. */
  private int map;
  private boolean awaitingMap;
  private boolean holdsMap;
  /**
   * The fault in progress: its first object and pindex, whether it holds that object's token (not
   * when vm_fault_quick() hit), how (shared, with the page busied), the backing object held
   * shared (-1: none) and its pindex, whether the new page is a copy (COW) rather than zeroed,
   * its kind and phase, and the page it inserts once its pv entry is allocated.
   */
  private int first;
  private int pindex;
  private boolean locked;
  private boolean shared;
  private boolean busy;
  private int backing = -1;
  private int backingPindex;
  private boolean copy;
  private KStep.FaultKind kind;
  private Phase phase = Phase.LEGACY;
  private int pfn;
  /** The vnode object behind the shadow of a chain fault; a user COW fault waiting for the map token. */
  private int vnode;
  private KStep.Fault pendingChain;

  VmFault(Globaldata gd, ObjectLocking locking, FaultQuick quick, VmPageAlloc pageAlloc, Pmap pmap,
      FaultMapToken mapToken) {
    this.gd = gd;
    this.mapToken = mapToken;
    this.locking = locking;
    this.quick = quick;
    this.pageAlloc = pageAlloc;
    this.pmap = pmap;
  }

  /** A fault of {@code t} begins at {@code now}: into vm_fault(), counted, its service timed from here. */
  private void begins(SimThread t, long now) {
    gd.meter.push("vm_fault", now);
    gd.meter.add(CpuCounter.FAULTS, 1, now);
    t.faultStart = now;
  }

  /** A user program's fault on {@code f}'s page: the trap, then the lock (or the hash first). */
  void trap(SimThread t, Op.Fault f, LpContext ctx) {
    long now = ctx.now();
    gd.meter.enter(CpuState.BUSY, now);
    begins(t, now);
    first = f.objectId();
    pindex = f.pindex();
    shared = false;
    busy = false;
    backing = -1;
    copy = false;
    phase = Phase.LEGACY;
    awaitingMap = false;
    holdsMap = false;
    pendingChain = null;
    if (quick.tries(f.write(), gd.plan.objects().get(f.objectId()).file())) {
      gd.sendHome(f.objectId(), gd.cost.trapNs(), new PageHashLookup(f.objectId(), f.pindex(), gd.cpu), ctx);
      return;
    }
    vmFault(gd.cost.trapNs(), ctx);
  }

  /** vm_fault() proper, after {@code afterNs}: the map token if the era holds it, then the object's. */
  private void vmFault(long afterNs, LpContext ctx) {
    map = pmap.mapToken(gd.curthread.spec.pid());
    holdsMap = mapToken.get(gd, map, afterNs, ctx);
    awaitingMap = holdsMap;
    if (!holdsMap) {
      lock(afterNs, ctx);
    }
  }

  private void lock(long afterNs, LpContext ctx) {
    locked = true;
    gd.sendHome(first, afterNs, new ObjectTokenRequest(first, TokenIntent.FAULT, pindex, 1, gd.cpu), ctx);
  }

  /**
   * vm_fault_quick()'s answer: a hit maps the soft-busied page and activates it without a lock
   * (vm_page_soft_activate()); a miss falls back to the object-locked vm_fault().
   */
  void onHashResult(PageHashResult h, LpContext ctx) {
    if (h.pfn() >= 0) {
      gd.meter.add(CpuCounter.VM_PAGE_HASH_HITS, 1, ctx.now());
      locked = false;
      enterPmap(-1, gd.cost.vmPageLookupNs(), ctx);
    } else {
      gd.meter.add(CpuCounter.VM_PAGE_HASH_MISSES, 1, ctx.now());
      vmFault(0, ctx);
    }
  }

  /** The fault's token was granted, with the page found at the pindex (or -1). */
  void onGranted(ObjectTokenGranted g, LpContext ctx) {
    if (awaitingMap) {
      awaitingMap = false;
      if (pendingChain != null) {
        KStep.Fault f = pendingChain;
        pendingChain = null;
        chain(f, 0, ctx);
      } else {
        lock(0, ctx);
      }
    } else if (phase != Phase.LEGACY) {
      onChainGranted(g, ctx);
    } else if (g.residentPfn() >= 0) {
      // Another thread faulted the page in while this one waited: map it, nothing to allocate.
      enterPmap(-1, gd.cost.vmPageLookupNs(), ctx);
    } else {
      pageAlloc.alloc(first, pindex, gd.cost.vmPageLookupNs(), ctx);
    }
  }

  /** vm_page_alloc() gave page {@code page}: zero or copy it (remote memory costs more), then map it. */
  void onPageAllocated(int page, LpContext ctx) {
    long work = copy ? gd.cost.pageCopyNs() : gd.cost.pageZeroNs();
    if (pageAlloc.remote(page, ctx.now())) {
      // Zeroing or copying streams the page through DRAM: a remote page costs the remote/local
      // ratio more.
      work = work * gd.topo.latencies().dramRemoteNs() / Math.max(1, gd.topo.latencies().dramLocalNs());
    }
    enterPmap(page, work, ctx);
  }

  /** pmap_enter() of {@code page} (-1: an existing page) after {@code beforeNs}. */
  private void enterPmap(int page, long beforeNs, LpContext ctx) {
    gd.meter.push("pmap_enter", ctx.now());
    long ns = pmap.enter(beforeNs, ctx);
    if (ns >= 0) {
      release(page, ns, ctx);
    } else {
      pfn = page;
    }
  }

  /** The pv entry came from the zone's global list: pmap_enter() goes on. */
  void onZoneAllocated(LpContext ctx) {
    gd.spin.endIfAny(ctx);
    release(pfn, gd.cost.pmapEnterNs(), ctx);
  }

  /**
   * After {@code workNs}, drop the backing object's shared hold and the first object's token
   * (inserting the new page) if held, and return.
   */
  private void release(int page, long workNs, LpContext ctx) {
    if (backing >= 0) {
      gd.sendHome(backing, workNs, new ObjectTokenRelease(backing, backingPindex, -1, gd.cpu, true, 0, true), ctx);
      backing = -1;
    }
    if (locked) {
      gd.sendHome(first, workNs, new ObjectTokenRelease(first, pindex, page, gd.cpu, shared, 0, busy), ctx);
    }
    if (holdsMap) {
      mapToken.rel(gd, map, workNs, ctx);
      holdsMap = false;
    }
    gd.step(workNs, Globaldata.Step.FAULT_DONE, ctx);
  }

  /** The fault is over: its service time. */
  void done(long now) {
    gd.meter.record(Latency.FAULT, now - gd.curthread.faultStart);
  }

  /**
   * A user program's first store to a page of a private file mapping: the map token if the era
   * holds it, then the copy-on-write through the mapping's shadow as fork/exec's image takes it.
   */
  void trapCow(SimThread t, Op.CowFault f, LpContext ctx) {
    long now = ctx.now();
    gd.meter.enter(CpuState.BUSY, now);
    begins(t, now);
    KStep.Fault cow = new KStep.Fault(KStep.FaultKind.COW, f.shadow(), f.pindex(), f.vnode(), f.pindex());
    map = pmap.mapToken(t.spec.pid());
    holdsMap = mapToken.get(gd, map, gd.cost.trapNs(), ctx);
    awaitingMap = holdsMap;
    if (holdsMap) {
      pendingChain = cow;
    } else {
      chain(cow, gd.cost.trapNs(), ctx);
    }
  }

  /** A fault taken inside fork/exec's image paths (a {@link KStep.Fault}). */
  void trapInKernelPath(KStep.Fault f, LpContext ctx) {
    begins(gd.curthread, ctx.now());
    // The kernel path around this fault takes the map token as steps of its own.
    awaitingMap = false;
    holdsMap = false;
    chain(f, gd.cost.trapNs(), ctx);
  }

  /** The fault {@code f} after {@code afterNs}, locking as its kind and the lock mode say. */
  private void chain(KStep.Fault f, long afterNs, LpContext ctx) {
    kind = f.kind();
    first = f.first();
    pindex = f.pindex();
    backing = -1;
    backingPindex = f.backingPindex();
    vnode = f.backing();
    copy = f.kind() == KStep.FaultKind.COW;
    locked = true;
    switch (f.kind()) {
      case VNODE_READ -> {
        phase = Phase.VNODE_SHARED;
        shared = true;
        busy = true;
        sendLock(afterNs, true, locking.vnodeReadBusy(), ctx);
      }
      case ZERO_FILL -> {
        phase = Phase.ZF_SHARED;
        shared = true;
        busy = false;
        sendLock(afterNs, true, PageBusy.NONE, ctx);
      }
      default -> {
        boolean sharedFirst = locking.shadowFaultStartsShared(pmap.multi(gd.curthread.spec.pid()));
        phase = sharedFirst ? Phase.CHAIN_SHARED : Phase.CHAIN_FIRST;
        shared = sharedFirst;
        busy = false;
        sendLock(afterNs, sharedFirst, PageBusy.NONE, ctx);
      }
    }
  }

  private void sendLock(long afterNs, boolean sharedLock, PageBusy pageBusy, LpContext ctx) {
    gd.sendHome(first, afterNs,
        new ObjectTokenRequest(first, TokenIntent.FAULT, pindex, 1, gd.cpu, sharedLock, pageBusy), ctx);
  }

  private void onChainGranted(ObjectTokenGranted g, LpContext ctx) {
    long lookup = gd.cost.vmPageLookupNs();
    switch (phase) {
      case VNODE_SHARED -> {
        gd.meter.add(CpuCounter.SHARED_HIT, 1, ctx.now());
        enterPmap(-1, locking.vnodeSharedHitNs(), ctx);
      }
      case VNODE_EXCLUSIVE -> enterPmap(-1, lookup, ctx);
      case ZF_SHARED -> {
        if (g.residentPfn() >= 0) {
          gd.meter.add(CpuCounter.SHARED_HIT, 1, ctx.now());
          enterPmap(-1, lookup, ctx);
          return;
        }
        restartExclusive(Phase.ZF_EXCLUSIVE, ctx);
      }
      case ZF_EXCLUSIVE -> {
        if (g.residentPfn() >= 0) {
          enterPmap(-1, lookup, ctx);
        } else {
          pageAlloc.alloc(first, pindex, lookup, ctx);
        }
      }
      case CHAIN_SHARED -> restartExclusive(Phase.CHAIN_FIRST, ctx);
      case CHAIN_FIRST -> {
        if (g.residentPfn() >= 0) {
          throw new IllegalStateException("CPU " + gd.cpu + ": object " + first + " already has page " + pindex
              + " that the process never mapped");
        }
        // The shadow lacks the page: on to the vnode object, held shared, its page busied.
        phase = Phase.CHAIN_BACKING;
        backing = -2;
        gd.sendHome(vnode, lookup, new ObjectTokenRequest(vnode, TokenIntent.FAULT, backingPindex, 1, gd.cpu, true,
            PageBusy.WAIT), ctx);
      }
      case CHAIN_BACKING -> {
        backing = g.objectId();
        if (kind == KStep.FaultKind.COW) {
          pageAlloc.alloc(first, pindex, lookup, ctx);
        } else {
          enterPmap(-1, lookup, ctx);
        }
      }
      default -> throw new IllegalStateException("fault phase " + phase);
    }
  }

  /**
   * The page must be allocated in the first object, which needs it exclusive: count the miss,
   * drop the shared token and retry exclusively.
   */
  private void restartExclusive(Phase next, LpContext ctx) {
    gd.meter.add(CpuCounter.SHARED_MISS, 1, ctx.now());
    gd.sendHome(first, gd.cost.vmPageLookupNs(), new ObjectTokenRelease(first, pindex, -1, gd.cpu, true, 0, false), ctx);
    phase = next;
    shared = false;
    sendLock(gd.cost.vmPageLookupNs(), false, PageBusy.NONE, ctx);
  }

  /** The old kernel's shared try found the page busy: a miss, then the exclusive token. */
  void onPageBusy(LpContext ctx) {
    gd.meter.add(CpuCounter.SHARED_MISS, 1, ctx.now());
    phase = Phase.VNODE_EXCLUSIVE;
    shared = false;
    busy = false;
    sendLock(0, false, PageBusy.NONE, ctx);
  }
}
