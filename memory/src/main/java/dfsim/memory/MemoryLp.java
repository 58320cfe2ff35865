package dfsim.memory;

import dfsim.core.config.Costs;
import dfsim.core.config.VmPageSettings;
import dfsim.core.metrics.ContentionStats;
import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.LockClass;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.program.VmObjectSpec;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.protocol.LockContended;
import dfsim.core.protocol.LockIntent;
import dfsim.core.protocol.ObjectLockGranted;
import dfsim.core.protocol.ObjectLockRelease;
import dfsim.core.protocol.ObjectLockRequest;
import dfsim.core.protocol.ObjectPageBusy;
import dfsim.core.protocol.ObjectRef;
import dfsim.core.protocol.ObjectRefDone;
import dfsim.core.protocol.PageActivate;
import dfsim.core.protocol.PageActivated;
import dfsim.core.protocol.PageAlloc;
import dfsim.core.protocol.CowInvalidate;
import dfsim.core.protocol.StaleMapping;
import dfsim.core.protocol.UmtxFork;
import dfsim.core.protocol.UmtxSleep;
import dfsim.core.protocol.UmtxSleepDone;
import dfsim.core.protocol.UmtxUser;
import dfsim.core.protocol.UmtxUserDone;
import dfsim.core.protocol.UmtxWake;
import dfsim.core.protocol.UmtxWakeDone;
import dfsim.core.protocol.PageAllocated;
import dfsim.core.protocol.PageFree;
import dfsim.core.protocol.PageHashLookup;
import dfsim.core.protocol.PageHashResult;
import dfsim.core.protocol.ZoneAlloc;
import dfsim.core.protocol.ZoneAllocated;
import dfsim.core.protocol.ZoneFree;
import dfsim.core.sim.LogicalProcess;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimMessage;
import dfsim.core.topology.LpLayout;
import dfsim.core.topology.Topology;
import dfsim.memory.UmtxWords.Cow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One NUMA node's memory: its free pages in PQ_L2_SIZE colour queues, each behind its own
 * spinlock (vm_page_alloc() and vm_page_free() in sys/vm/vm_page.c), and the VM objects homed here with their exclusive locks
 * (vm_object_hold() in sys/vm/vm_object.c). Node 0's memory also homes the zone spinlock of
 * pvzone (sys/vm/vm_zone.c): zalloc() and zfree() that miss a CPU's own list take it here.
 *
 * <p>An object lock is granted in the order requests arrive. A request that finds it held is
 * queued and told so at once ({@link LockContended}); at release the next waiter gets it after
 * the lock's cache line moves from the last owner to it. The lock is held, as this home sees it,
 * from its grant to the arrival of the release, so a waiter's spin is the holder's hold plus
 * that transfer.
 *
 * <p>Files (vnode objects) are read into the page cache at boot: their pages are taken from this
 * node's queues before the run. With {@code kernel.vm-fault.quick = on} the node keeps
 * {@link VmPageHash} for its objects: object-locked lookups that find a page enter it, and
 * vm_fault_quick() probes it without the lock.
 */
public final class MemoryLp implements LogicalProcess {
  private final int node;
  private final LpLayout layout;
  private final Topology topo;
  private final Costs cost;
  private final ColourQueues free;
  /** The spinlock of each colour queue, created on first use. */
  private final QueueLock[] queueLocks;
  private final PageQueueScan scan;
  private final Map<Integer, VmObject> objects = new HashMap<>();
  private final ContentionStats objectStats = new ContentionStats();
  private final ContentionStats queueStats = new ContentionStats();
  /** The zone spinlock (zlock) of pvzone; kernel memory, and so the zone, lives on node 0. */
  private final ContentionStats zoneStats = new ContentionStats();
  private final QueueLock zoneLock;
  private final long[] holdByCpu;
  private final VmPageSettings vm;
  private final long tickNs;
  /** vm_page_hash[] of this node's objects; null unless vm_fault_quick() reads it. */
  private final VmPageHash hash;
  private final WorkloadPlan plan;
  /** Token grants and releases, when a test asks for them. */
  private List<LockEvent> trace;

  private final UmtxWords umtx = new UmtxWords();
  /** kernel.vm-fault-page.enter-pmap. */
  private final boolean enterPmap;
  /** The CPUs of the umtx process's pm_active, from the plan. */
  private final List<Integer> umtxPmActive;


  private final ContentionStats mapStats = new ContentionStats();

  /** The end of a umtx sleeper's poll of the word ({@code kern.umtx_delay}). */
  public record UmtxPollEnd(int object, int mutex, int tid, long seq) implements SimMessage {}

  /** A umtx sleeper's timeout callout. */
  public record UmtxTimeout(int object, int mutex, int tid, long seq) implements SimMessage {}

  /** One token event at this home: a grant or release, shared or exclusive, of an object to a CPU. */
  public record LockEvent(long time, int objectId, int cpu, boolean shared, boolean grant) {}

  public MemoryLp(int node, LpLayout layout, Costs cost, VmPageSettings vm, long tickNs, boolean enterPmap,
      WorkloadPlan plan) {
    this.node = node;
    this.enterPmap = enterPmap;
    this.umtxPmActive = firstProcessCpus(plan);
    this.vm = vm;
    this.tickNs = tickNs;
    this.plan = plan;
    this.layout = layout;
    this.topo = layout.topology();
    this.cost = cost;
    long pages = topo.pagesPerNode();
    if ((node + 1L) * pages > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("physical page numbers exceed 2^31");
    }
    this.free = new ColourQueues((int) (node * pages), (int) pages, vm.pqL2Size());
    free.drain((int) (pages * plan.drainOf(node)));
    this.queueLocks = new QueueLock[vm.pqL2Size()];
    this.scan = new PageQueueScan(vm.pqL2Size(),
        PageQueueScan.firstBlockMask(vm.pqL2Size(), topo.cpus(), vm.rescan()), vm.rescan(), vm.lastq());
    this.zoneLock = new QueueLock(topo, zoneStats);
    this.holdByCpu = new long[topo.cpus()];
    this.hash = vm.faultQuick() ? new VmPageHash(vm.hash(), (int) pages) : null;
    for (VmObjectSpec o : plan.objects()) {
      if (o.homeNode() == node) {
        VmObject obj = new VmObject(o.id(), o.pages(), o.file(), 1);
        obj.mapToken = o.kind() == VmObjectSpec.Kind.MAP;
        objects.put(o.id(), obj);
        if (o.file()) {
          readIntoPageCache(obj);
        }
      }
    }
  }

  /** A file's pages, read at boot: each from its object colour's queue or the nearest with pages. */
  private void readIntoPageCache(VmObject o) {
    int colour = vm.objectColour(o.id);
    for (int p = 0; p < o.size(); p++) {
      int q = scan.find((colour + p) & (vm.pqL2Size() - 1), free::hasPage);
      if (q < 0) {
        throw new IllegalStateException("node " + node + " has no free page left for file object " + o.id);
      }
      o.insert(p, free.pop(q));
    }
  }

  @Override
  public int id() {
    return layout.memoryLp(node);
  }

  @Override
  public void start(LpContext ctx) {}

  @Override
  public void handle(SimMessage message, int sourceLp, LpContext ctx) {
    if (message instanceof ObjectLockRequest r) {
      onLockRequest(r, ctx);
    } else if (message instanceof ObjectLockRelease r) {
      onLockRelease(r, ctx);
    } else if (message instanceof PageAlloc a) {
      onPageAlloc(a, ctx);
    } else if (message instanceof PageFree f) {
      onPageFree(f, ctx);
    } else if (message instanceof UmtxUser u) {
      onUmtxUser(u, ctx);
    } else if (message instanceof UmtxSleep u) {
      onUmtxSleep(u, ctx);
    } else if (message instanceof UmtxWake u) {
      onUmtxWake(u, ctx);
    } else if (message instanceof UmtxFork f) {
      onUmtxFork(f, ctx);
    } else if (message instanceof UmtxPollEnd p) {
      onUmtxPollEnd(p, ctx);
    } else if (message instanceof UmtxTimeout t) {
      onUmtxTimeout(t, ctx);
    } else if (message instanceof PageActivate a) {
      int lp = layout.cpuLp(a.cpu());
      QueueLock.Grant g = lock(a.colour() & (vm.pqL2Size() - 1)).acquire(a.cpu(), ctx.now(), cost.vmPageAllocNs());
      if (g.waitNs() > 0) {
        ctx.send(lp, ctx.latencyTo(lp), new LockContended(LockClass.PAGE_QUEUE, g.waitNs()));
      }
      ctx.send(lp, ctx.latencyTo(lp) + g.doneAfterNs(), new PageActivated());
    } else if (message instanceof ObjectRef r) {
      onRef(r, ctx);
    } else if (message instanceof PageHashLookup h) {
      onHashLookup(h, ctx);
    } else if (message instanceof ZoneAlloc z) {
      QueueLock.Grant g = zoneLock.acquire(z.cpu(), ctx.now(), cost.zoneLockedNs());
      int lp = layout.cpuLp(z.cpu());
      if (g.waitNs() > 0) {
        ctx.send(lp, ctx.latencyTo(lp), new LockContended(LockClass.ZONE, g.waitNs()));
      }
      ctx.send(lp, ctx.latencyTo(lp) + g.doneAfterNs(), new ZoneAllocated());
    } else if (message instanceof ZoneFree z) {
      zoneLock.acquire(z.cpu(), ctx.now(), z.count() * cost.zoneLockedNs());
    } else {
      throw new IllegalStateException("memory node " + node + " cannot handle " + message);
    }
  }

  @Override
  public void observe(long nowNs, dfsim.core.metrics.LiveCpus out) {
    for (int c = 0; c < holdByCpu.length; c++) {
      out.addToCpu(c, CpuCounter.LOCK_HOLD_NS, holdByCpu[c]);
    }
  }

  @Override
  public void finish(long endTime, RunMetrics metrics) {
    metrics.contention(LockClass.VM_OBJECT).add(objectStats);
    metrics.contention(LockClass.VM_MAP).add(mapStats);
    metrics.contention(LockClass.PAGE_QUEUE).add(queueStats);
    metrics.contention(LockClass.ZONE).add(zoneStats);
    for (int c = 0; c < holdByCpu.length; c++) {
      metrics.addToCpu(c, CpuCounter.LOCK_HOLD_NS, holdByCpu[c]);
    }
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("node", node);
    n.put("free_pages", free.free());
    n.put("vm_page_hash_entries", hash == null ? 0 : hash.entries());
    n.put("vm_page_hash_bytes", hash == null ? 0 : hash.kernelBytes());
    // umtx sleepers still asleep at the end, and the longest sleep (ongoing ones up to the end).
    int asleep = 0;
    long longest = umtx.longestSleepNs;
    for (Map.Entry<Long, UmtxWords.Word> e : umtx.all()) {
      for (UmtxWords.Sleeper s : e.getValue().sleepers) {
        if (s.asleep) {
          asleep++;
          longest = Math.max(longest, endTime - s.asleepAt);
        }
      }
    }
    n.put("umtx_asleep_at_end", asleep);
    n.put("umtx_longest_sleep_ns", longest);
    metrics.addMemoryNode(node, n);
  }

  /** The hardclock tick count vm_page_hash stamps entries with (1 at boot: empty ways are older). */
  private int ticks(long now) {
    return (int) (1 + now / tickNs);
  }

  /**
   * vm_page_hash_get() for vm_fault_quick(): a hit is the page itself, soft-busied, with no lock
   * taken; the reply leaves after the hash set's and the page's cache lines have been read.
   */
  private void onHashLookup(PageHashLookup h, LpContext ctx) {
    VmObject o = object(h.objectId());
    int pfn = hash.get(VmPageSettings.objectAddress(o.id), vm.objectColour(o.id), h.pindex(),
        o.lookup(h.pindex()), ticks(ctx.now()));
    int lp = layout.cpuLp(h.cpu());
    ctx.send(lp, ctx.latencyTo(lp), new PageHashResult(pfn));
  }

  /** Records every token grant and release from now on and returns the list (for tests). */
  public List<LockEvent> traceLocks() {
    trace = new ArrayList<>();
    return trace;
  }

  /** Returns the free pages left on this node (for tests). */
  public int freePages() {
    return free.free();
  }

  private VmObject object(int id) {
    VmObject o = objects.get(id);
    if (o == null && id >= VmObjectSpec.FIRST_DYNAMIC && plan.homeOf(id, topo) == node) {
      // vm_object_allocate() by a CPU of this node: anonymous, one reference (its creator's).
      o = new VmObject(id, 16, false, 1);
      objects.put(id, o);
    }
    if (o == null) {
      throw new IllegalStateException("object " + id + " is not homed on node " + node);
    }
    return o;
  }

  private ContentionStats statsOf(VmObject o) {
    return o.mapToken ? mapStats : objectStats;
  }

  private static LockClass classOf(VmObject o) {
    return o.mapToken ? LockClass.VM_MAP : LockClass.VM_OBJECT;
  }

  private void onLockRequest(ObjectLockRequest r, LpContext ctx) {
    VmObject o = object(r.objectId());
    ContentionStats objectStats = statsOf(o);
    int lp = layout.cpuLp(r.cpu());
    if (r.busy() != ObjectLockRequest.PageBusy.NONE && o.busy.get(r.pindex())) {
      if (r.busy() == ObjectLockRequest.PageBusy.TRY) {
        ctx.send(lp, ctx.latencyTo(lp), new ObjectPageBusy(o.id, r.pindex()));
        return;
      }
      // vm_page_sleep_busy(): wait for the fault that has the page busy, then try again.
      statsOf(o).contended++;
      o.busyWaiters.add(r);
      ctx.send(lp, ctx.latencyTo(lp), new LockContended(classOf(o), -1));
      return;
    }
    if (o.grantable(r)) {
      grant(o, r, ctx);
    } else {
      objectStats.contended++;
      o.waiters.add(r);
      ctx.send(lp, ctx.latencyTo(lp), new LockContended(classOf(o), -1));
    }
  }

  /**
   * Grants the token: the CAS on its line waits for earlier atomics on that line, then moves the
   * line from its last owner. A fault's page is looked up (and busied) under it.
   */
  private void grant(VmObject o, ObjectLockRequest r, LpContext ctx) {
    ContentionStats objectStats = statsOf(o);
    long now = ctx.now();
    long start = Math.max(now, o.lineFreeAt);
    long transfer = o.lastOwner >= 0 ? topo.transferNs(o.lastOwner, r.cpu()) : 0;
    o.lineFreeAt = start + transfer;
    objectStats.acquires++;
    if (transfer > 0) {
      objectStats.transfers++;
    }
    o.lastOwner = r.cpu();
    if (r.shared()) {
      o.shared.put(r.cpu(), now);
    } else {
      o.exclusive = r.cpu();
      o.grantedAt = now;
    }
    if (r.busy() != ObjectLockRequest.PageBusy.NONE) {
      o.busy.set(r.pindex());
    }
    if (trace != null) {
      trace.add(new LockEvent(start + transfer, o.id, r.cpu(), r.shared(), true));
    }
    int resident = o.lookup(r.pindex());
    if (r.intent() == LockIntent.FAULT && hash != null && resident >= 0) {
      // vm_page_lookup() under the object lock enters what it finds.
      hash.enter(VmPageSettings.objectAddress(o.id), vm.objectColour(o.id), r.pindex(), resident, ticks(now));
    }
    ObjectLockGranted g = switch (r.intent()) {
      case FAULT -> new ObjectLockGranted(o.id, r.intent(), r.pindex(), resident, null);
      case UNMAP -> new ObjectLockGranted(o.id, r.intent(), r.pindex(), -1, o.removeRange(r.pindex(), r.count()));
      case TERMINATE -> new ObjectLockGranted(o.id, r.intent(), r.pindex(), -1, o.removeRange(0, o.size()));
      case HOLD -> new ObjectLockGranted(o.id, r.intent(), r.pindex(), -1, null);
    };
    int lp = layout.cpuLp(r.cpu());
    ctx.send(lp, ctx.latencyTo(lp) + (start - now) + transfer, g);
  }

  private void onLockRelease(ObjectLockRelease r, LpContext ctx) {
    VmObject o = object(r.objectId());
    long held;
    if (r.shared()) {
      Long since = o.shared.remove(r.cpu());
      if (since == null) {
        throw new IllegalStateException("CPU " + r.cpu() + " released a shared hold of object " + o.id + " it lacks");
      }
      held = ctx.now() - since;
    } else {
      if (o.exclusive != r.cpu()) {
        throw new IllegalStateException("CPU " + r.cpu() + " released object " + o.id
            + " held by " + o.exclusive);
      }
      o.exclusive = -1;
      held = ctx.now() - o.grantedAt;
    }
    if (trace != null) {
      trace.add(new LockEvent(ctx.now(), o.id, r.cpu(), r.shared(), false));
    }
    if (r.pfn() >= 0) {
      o.insert(r.pindex(), r.pfn());
    }
    o.refs += r.refDelta();
    statsOf(o).holdNs += held;
    holdByCpu[r.cpu()] += held;
    if (o.refs <= 0 && !o.held()) {
      if (!o.waiters.isEmpty() || !o.busyWaiters.isEmpty()) {
        throw new IllegalStateException("object " + o.id + " terminated with waiters");
      }
      objects.remove(o.id);
      return;
    }
    if (r.unbusy()) {
      o.busy.clear(r.pindex());
      // The page's waiters go first, in the order they came (they asked before any waiter now queued).
      List<ObjectLockRequest> woken = new ArrayList<>();
      for (Iterator<ObjectLockRequest> it = o.busyWaiters.iterator(); it.hasNext(); ) {
        ObjectLockRequest w = it.next();
        if (w.pindex() == r.pindex()) {
          it.remove();
          woken.add(w);
        }
      }
      for (int i = woken.size() - 1; i >= 0; i--) {
        o.waiters.addFirst(woken.get(i));
      }
    }
    serveWaiters(o, ctx);
  }

  // --- umtx: userland mutex words and their sleep queues (sys/kern/kern_umtx.c) ---

  /** A userland atomic on the word: it waits for the line, which moves from its last writer. */
  private void onUmtxUser(UmtxUser u, LpContext ctx) {
    long now = ctx.now();
    // A locked op (or a debugger's store) needs the page writable: after a fork that is a COW
    // fault copying it first.
    Cow c = cow(u.object(), u.cpu(), u.op() == UmtxUser.Op.POKE, ctx);
    long cow = c.ns();
    if (u.op() == UmtxUser.Op.POKE) {
      // A store elsewhere on the page: no mutex word changes.
      int lp = layout.cpuLp(u.cpu());
      ctx.send(lp, ctx.latencyTo(lp) + cow, new UmtxUserDone(u.mutex(), 0, cow, c.ipis()));
      return;
    }
    UmtxWords.Word w = umtx.word(u.object(), u.mutex());
    long start = Math.max(now + cow, w.lineFreeAt);
    long transfer = w.lastOwner >= 0 ? topo.transferNs(w.lastOwner, u.cpu()) : 0;
    w.lineFreeAt = start + transfer;
    w.lastOwner = u.cpu();
    int old = w.value;
    switch (u.op()) {
      case CMPXCHG_0_1 -> w.value = old == 0 ? 1 : old;
      case XCHG_2 -> w.value = 2;
      case DEC -> w.value = 0;
      default -> throw new IllegalStateException("umtx op " + u.op());
    }
    int lp = layout.cpuLp(u.cpu());
    ctx.send(lp, ctx.latencyTo(lp) + (start - now) + transfer, new UmtxUserDone(u.mutex(), old, cow, c.ipis()));
    if (w.value != old) {
      // Pollers reading the word see the change (the poll's fuword()/DMAP read leaves with EBUSY).
      for (java.util.Iterator<UmtxWords.Sleeper> it = w.sleepers.iterator(); it.hasNext(); ) {
        UmtxWords.Sleeper sl = it.next();
        if (!sl.asleep && sl.request.expected() != w.value) {
          it.remove();
          replySleep(sl, UmtxSleepDone.Outcome.BUSY, (start - now) + transfer, ctx);
        }
      }
    }
  }

  private void replySleep(UmtxWords.Sleeper s, UmtxSleepDone.Outcome outcome, long afterNs, LpContext ctx) {
    replySleep(s, outcome, afterNs, false, ctx);
  }

  private void replySleep(UmtxWords.Sleeper s, UmtxSleepDone.Outcome outcome, long afterNs, boolean ipi,
      LpContext ctx) {
    int lp = layout.cpuLp(s.request.cpu());
    // The call's first reply carries the COW its write resolution made.
    Cow c = s.cow == null ? Cow.NONE : s.cow;
    s.cow = null;
    ctx.send(lp, afterNs + ctx.latencyTo(lp),
        new UmtxSleepDone(s.request.tid(), s.request.mutex(), outcome, ipi, c.ns(), c.ipis()));
  }

  /**
   * If the object's page is shared copy-on-write since a fork, the writer's fault copies it: the
   * parent's page gets a new physical address (a new generation). Returns whether it did.
   */
  private boolean cowIfShared(int object) {
    UmtxWords.Page page = umtx.page(object);
    if (!page.cowShared) {
      return false;
    }
    page.cowShared = false;
    page.gen++;
    return true;
  }

  /**
   * The COW of a write by {@code cpu} to object's page if it is shared since a fork. The faulting
   * process's own write replaces the PTE under the interlock: an IPI round to the other CPUs of
   * its pm_active. A foreign write (procfs/ptrace) with enter-pmap replaces it from outside
   * pm_active: no IPI, and those CPUs keep a stale translation. Without enter-pmap (385c96e4)
   * the copy removes the old page from the pmaps: an IPI round to the whole pm_active.
   */
  private Cow cow(int object, int cpu, boolean foreign, LpContext ctx) {
    if (!cowIfShared(object)) {
      return Cow.NONE;
    }
    List<Integer> others = new ArrayList<>();
    for (int c : umtxPmActive) {
      if (c != cpu) {
        others.add(c);
      }
    }
    long ns = cowFaultNs();
    int rounds = 0;
    if (foreign && enterPmap) {
      for (int c : others) {
        ctx.send(layout.cpuLp(c), ctx.latencyTo(layout.cpuLp(c)) + ns, new StaleMapping());
      }
    } else {
      rounds = (foreign ? 0 : 1) + (enterPmap ? 0 : 1);
    }
    int ipis = 0;
    for (int r = 0; r < rounds && !others.isEmpty(); r++) {
      long round = topo.latencies().ipiNs() + (others.size() - 1) * cost.ipiExtraReceiverNs();
      for (int c : others) {
        ctx.send(layout.cpuLp(c), ns + Math.max(topo.latencies().ipiNs(), ctx.latencyTo(layout.cpuLp(c))),
            new CowInvalidate(cpu));
      }
      ns += round;
      ipis += others.size();
    }
    return new Cow(ns, ipis);
  }

  /**
   * The pm_active of the process whose page holds the umtx words: the CPUs of the plan's first
   * process (the umtx workloads run one process; a debugger is another).
   */
  private static List<Integer> firstProcessCpus(WorkloadPlan plan) {
    java.util.TreeSet<Integer> cpus = new java.util.TreeSet<>();
    int owner = plan.threads().isEmpty() ? 0 : plan.threads().get(0).pid();
    for (dfsim.core.program.ThreadSpec t : plan.threads()) {
      if (t.pid() == owner) {
        cpus.add(t.cpu());
      }
    }
    return List.copyOf(cpus);
  }

  /** A COW fault on the mutex page: trap, lookup, a page allocation and copy, pmap_enter(). */
  private long cowFaultNs() {
    return cost.trapNs() + cost.vmPageLookupNs() + cost.vmPageAllocNs() + cost.pageCopyNs() + cost.pmapEnterNs();
  }

  private void onUmtxSleep(UmtxSleep u, LpContext ctx) {
    UmtxWords.Word w = umtx.word(u.object(), u.mutex());
    UmtxWords.Sleeper s = new UmtxWords.Sleeper(u, umtx.nextSeq());
    Cow c = u.forceCow() ? cow(u.object(), u.cpu(), false, ctx) : Cow.NONE;
    s.gen = umtx.page(u.object()).gen;
    s.cow = c;
    if (w.value != u.expected()) {
      replySleep(s, UmtxSleepDone.Outcome.BUSY, c.ns(), ctx);
      return;
    }
    w.sleepers.add(s);
    ctx.schedule(c.ns() + u.pollNs(), new UmtxPollEnd(u.object(), u.mutex(), u.tid(), s.seq));
  }

  /** The poll ran out: tsleep_interlock(), re-check the word, and sleep (with its callout if any). */
  private void onUmtxPollEnd(UmtxPollEnd p, LpContext ctx) {
    UmtxWords.Word w = umtx.word(p.object(), p.mutex());
    UmtxWords.Sleeper s = UmtxWords.find(w, p.tid(), p.seq());
    if (s == null) {
      return;
    }
    if (w.value != s.request.expected()) {
      w.sleepers.remove(s);
      replySleep(s, UmtxSleepDone.Outcome.BUSY, 0, ctx);
      return;
    }
    s.asleep = true;
    s.asleepAt = ctx.now();
    replySleep(s, UmtxSleepDone.Outcome.SLEEPING, 0, ctx);
    if (s.request.timeoutNs() > 0) {
      // The callout fires on the tick at or after the timeout, in whole ticks.
      long now = ctx.now();
      long at = ((now + s.request.timeoutNs() + tickNs - 1) / tickNs) * tickNs;
      ctx.schedule(at - now, new UmtxTimeout(p.object(), p.mutex(), p.tid(), p.seq()));
    }
  }

  private void onUmtxTimeout(UmtxTimeout t, LpContext ctx) {
    UmtxWords.Word w = umtx.word(t.object(), t.mutex());
    UmtxWords.Sleeper s = UmtxWords.find(w, t.tid(), t.seq());
    if (s != null && s.asleep) {
      w.sleepers.remove(s);
      slept(s, ctx.now());
      replySleep(s, UmtxSleepDone.Outcome.TIMEDOUT, 0, ctx);
    }
  }

  /**
   * wakeup_one() or wakeup() on the word's physical address: the sleepers asleep on it, in
   * order; a sleeper on another CPU is woken by an IPI.
   */
  private void onUmtxWake(UmtxWake u, LpContext ctx) {
    UmtxWords.Word w = umtx.word(u.object(), u.mutex());
    Cow c = u.forceCow() ? cow(u.object(), u.cpu(), false, ctx) : Cow.NONE;
    long cow = c.ns();
    int gen = umtx.page(u.object()).gen;
    int woken = 0;
    int ipis = 0;
    boolean elsewhere = false;
    for (java.util.Iterator<UmtxWords.Sleeper> it = w.sleepers.iterator(); it.hasNext(); ) {
      UmtxWords.Sleeper s = it.next();
      if (!s.asleep) {
        continue;
      }
      if (s.gen != gen) {
        // Asleep on the page's old physical address: this wakeup cannot find it.
        elsewhere = true;
        continue;
      }
      it.remove();
      slept(s, ctx.now());
      long ipi = s.request.cpu() == u.cpu() ? 0 : topo.latencies().ipiNs();
      ipis += ipi > 0 ? 1 : 0;
      replySleep(s, UmtxSleepDone.Outcome.WOKEN, cow + ipi, ipi > 0, ctx);
      // wakeup_domain_one() for a count of 1, wakeup_domain() (all) for any other.
      if (++woken == 1 && u.count() == 1) {
        break;
      }
    }
    int lp = layout.cpuLp(u.cpu());
    ctx.send(lp, cow + ctx.latencyTo(lp), new UmtxWakeDone(u.mutex(), woken, ipis, woken == 0 && elsewhere, cow, c.ipis()));
  }

  private void slept(UmtxWords.Sleeper s, long now) {
    umtx.longestSleepNs = Math.max(umtx.longestSleepNs, now - s.asleepAt);
  }

  /** fork(): the page goes copy-on-write; from afd7f124 every sleeper of the process is woken. */
  private void onUmtxFork(UmtxFork f, LpContext ctx) {
    umtx.page(f.object()).cowShared = true;
    if (!f.wakeAll()) {
      return;
    }
    for (Map.Entry<Long, UmtxWords.Word> e : umtx.all()) {
      if ((int) (e.getKey() >>> 32) != f.object()) {
        continue;
      }
      for (java.util.Iterator<UmtxWords.Sleeper> it = e.getValue().sleepers.iterator(); it.hasNext(); ) {
        UmtxWords.Sleeper s = it.next();
        if (s.asleep) {
          it.remove();
          slept(s, ctx.now());
          long ipi = s.request.cpu() == f.cpu() ? 0 : topo.latencies().ipiNs();
          replySleep(s, UmtxSleepDone.Outcome.WOKEN, ipi, ipi > 0, ctx);
        }
      }
    }
  }

  /** Grants every waiter the token's rules let through, in arrival order. */
  private void serveWaiters(VmObject o, LpContext ctx) {
    for (Iterator<ObjectLockRequest> it = o.waiters.iterator(); it.hasNext(); ) {
      ObjectLockRequest w = it.next();
      if (w.busy() == ObjectLockRequest.PageBusy.WAIT && o.busy.get(w.pindex())) {
        it.remove();
        o.busyWaiters.add(w);
      } else if (w.busy() == ObjectLockRequest.PageBusy.TRY && o.busy.get(w.pindex())) {
        it.remove();
        int lp = layout.cpuLp(w.cpu());
        ctx.send(lp, ctx.latencyTo(lp), new ObjectPageBusy(o.id, w.pindex()));
      } else if (o.grantable(w)) {
        it.remove();
        grant(o, w, ctx);
      }
    }
  }

  /**
   * A lockless reference or drop: an atomic on the ref_count line, after earlier atomics on it.
   * vm_object_deallocate() drops without the lock only from 4 refs up (501747bf).
   */
  private void onRef(ObjectRef r, LpContext ctx) {
    VmObject o = object(r.objectId());
    long now = ctx.now();
    long start = Math.max(now, o.refLineFreeAt);
    long transfer = o.refLastOwner >= 0 ? topo.transferNs(o.refLastOwner, r.cpu()) : 0;
    o.refLineFreeAt = start + transfer;
    o.refLastOwner = r.cpu();
    boolean applied = r.delta() >= 0 || o.refs > 3;
    if (applied) {
      o.refs += r.delta();
    }
    int lp = layout.cpuLp(r.cpu());
    ctx.send(lp, ctx.latencyTo(lp) + (start - now) + transfer, new ObjectRefDone(o.id, applied));
  }

  /**
   * vm_page_alloc(): search the colour queues from the requested colour (see
   * {@link PageQueueScan}), each probe an unlocked look at a queue head, then take the found
   * queue's spinlock and a page. The requester spins if the lock is held.
   */
  private void onPageAlloc(PageAlloc a, LpContext ctx) {
    int lp = layout.cpuLp(a.cpu());
    int q = scan.find(a.colour(), free::hasPage);
    int steps = scan.steps();
    long scanNs = steps * cost.vmPageScanStepNs();
    if (q < 0) {
      ctx.send(lp, ctx.latencyTo(lp) + scanNs, new PageAllocated(-1, steps));
      return;
    }
    QueueLock.Grant g = lock(q).acquire(a.cpu(), ctx.now() + scanNs, cost.vmPageAllocNs());
    if (g.waitNs() > 0) {
      ctx.send(lp, ctx.latencyTo(lp) + scanNs, new LockContended(LockClass.PAGE_QUEUE, g.waitNs()));
    }
    ctx.send(lp, ctx.latencyTo(lp) + scanNs + g.doneAfterNs(), new PageAllocated(free.pop(q), steps));
  }

  private QueueLock lock(int colour) {
    if (queueLocks[colour] == null) {
      queueLocks[colour] = new QueueLock(topo, queueStats);
    }
    return queueLocks[colour];
  }

  /** vm_page_free() of each page into its colour queue, under that queue's spinlock. */
  private void onPageFree(PageFree f, LpContext ctx) {
    for (int pfn : f.pfns()) {
      lock(free.colourOf(pfn)).acquire(f.cpu(), ctx.now(), cost.vmPageFreeNs());
      free.push(pfn);
    }
  }
}
