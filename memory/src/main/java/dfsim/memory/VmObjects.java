package dfsim.memory;

import dfsim.core.config.BrkSettings;
import dfsim.core.config.LwktSettings;
import dfsim.core.config.VmPageSettings;
import dfsim.core.kernel.LwktTokenState;
import dfsim.core.kernel.TokenTries;
import dfsim.core.metrics.ContentionStats;
import dfsim.core.metrics.LockClass;
import dfsim.core.program.VmObjectSpec;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.protocol.LockContended;
import dfsim.core.protocol.BrkGranted;
import dfsim.core.protocol.FdSpin;
import dfsim.core.protocol.GlobalLineDone;
import dfsim.core.protocol.TokenIntent;
import dfsim.core.protocol.ObjectTokenGranted;
import dfsim.core.protocol.ObjectTokenRelease;
import dfsim.core.protocol.ObjectTokenRequest;
import dfsim.core.protocol.ObjectPageBusy;
import dfsim.core.protocol.ObjectRef;
import dfsim.core.protocol.ObjectRefDone;
import dfsim.core.protocol.PageHashLookup;
import dfsim.core.protocol.PageHashResult;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The VM objects homed on this node (sys/vm/vm_object.c): their tokens (vm_object_hold() and
 * vm_object_drop(), shared or exclusive), ref counts (vm_object_reference() and
 * vm_object_deallocate(), lockless from 501747bf above 3 references), the busy bits of pages a
 * fault has in hand, and the lookups of vm_fault_quick() in {@link VmPageHash}. A process's
 * vm_map token is kept here the same way, as an object.
 *
 * <p>A token follows {@link VmObject}'s rules with no queue. A request whose first try finds it
 * held is told so at once ({@link LockContended}) and keeps reading it ({@link TokenTries}:
 * lwkt.token_spin tries, then lwkt_switch()'s skip loop); when the token changes hands, the
 * spinner whose next read finds it free first takes it, after its cache line moves to it. The
 * token is held, as this home sees it, from its grant to the arrival of the release. See
 * docs/model/vm-fault.md and docs/model/lwkt-token.md.
 */
final class VmObjects {
  private final Node n;
  private final VmPageSettings vm;
  private final WorkloadPlan plan;
  private final VmPageHash hash;
  private final long tickNs;
  /** The objects homed here, by {@link #key} of their id. */
  private final Map<Integer, VmObject> objects = new HashMap<>();
  private final LwktSettings lwkt;
  /** kernel.brk: how a map token's grant for sys_obreak() moves the break it guards. */
  private final BrkSettings.Mode brk;
  final ContentionStats objectStats = new ContentionStats();
  final ContentionStats mapStats = new ContentionStats();
  /** Token hold time per CPU. */
  final long[] holdByCpu;
  /** Token grants and releases, when a test asks for them. */
  private List<TokenEvent> trace;

  /** A spinner's read of an object's token, void if the token changed hands before it. */
  record TokenRead(int objectId, LwktTokenState.NextRead read) implements SimMessage {}

  VmObjects(Node n, VmPageSettings vm, LwktSettings lwkt, BrkSettings.Mode brk, WorkloadPlan plan, VmPageHash hash,
      long tickNs, VmPageQueues pages) {
    this.n = n;
    this.brk = brk;
    this.lwkt = lwkt;
    this.vm = vm;
    this.plan = plan;
    this.hash = hash;
    this.tickNs = tickNs;
    this.holdByCpu = new long[n.topo.cpus()];
    for (VmObjectSpec o : plan.objects()) {
      if (o.homeNode() == n.node) {
        VmObject obj = new VmObject(o.id(), o.pages(), o.kind() == VmObjectSpec.Kind.MAP, 1, n.topo);
        objects.put(key(o.id()), obj);
        if (o.file()) {
          pages.readIntoPageCache(obj, vm.objectColour(o.id()));
        }
      }
    }
  }

  /** Records every token grant and release from now on and returns the list. */
  List<TokenEvent> trace() {
    trace = new ArrayList<>();
    return trace;
  }

  /**
   * An id times an odd constant (Fibonacci hashing: a bijection, so ids stay distinct). The ids
   * homed on one node are often congruent modulo a power of two (processes' map tokens are
   * MAP_NODES apart), and HashMap's hash of an Integer kept them in one bucket: a tree search
   * per lookup, 5% of a 1024-CPU box's run. The product carries the bits in which they differ
   * into its upper half, which HashMap's hash folds into the bucket index.
   */
  private static Integer key(int id) {
    return id * 0x9E3779B9;
  }

  private VmObject object(int id) {
    VmObject o = objects.get(key(id));
    if (o == null && id >= VmObjectSpec.FIRST_DYNAMIC && plan.homeOf(id, n.topo) == n.node) {
      // vm_object_allocate() by a CPU of this node: anonymous, one reference (its creator's).
      o = new VmObject(id, 16, false, 1, n.topo);
      objects.put(key(id), o);
    } else if (o == null && VmObjectSpec.isMap(id) && VmObjectSpec.mapHome(id) == n.node) {
      // A process's vm_map token, first taken by one of its faults.
      o = new VmObject(id, 1, true, 1, n.topo);
      objects.put(key(id), o);
    }
    if (o == null) {
      throw new IllegalStateException("object " + id + " is not homed on node " + n.node);
    }
    return o;
  }

  private ContentionStats statsOf(VmObject o) {
    return o.mapToken ? mapStats : objectStats;
  }

  private static LockClass classOf(VmObject o) {
    return o.mapToken ? LockClass.VM_MAP : LockClass.VM_OBJECT;
  }

  void onRequest(ObjectTokenRequest r, LpContext ctx) {
    VmObject o = object(r.objectId());
    if (pageBusy(o, r, ctx)) {
      if (r.busy() == ObjectTokenRequest.PageBusy.WAIT) {
        // Asleep until the fault that has the page busy unbusies it: the CPU waits as it spins.
        n.reply(r.cpu(), 0, new LockContended(classOf(o), -1), ctx);
      }
      return;
    }
    tryToken(o, r, ctx);
  }

  /** A try of the token: it is taken, or the requester spins, reading it again and again. */
  private void tryToken(VmObject o, ObjectTokenRequest r, LpContext ctx) {
    if (o.token.grantable(r.shared())) {
      grant(o, r, false, ctx);
      readNext(o, ctx);
      return;
    }
    spin(o, r, ctx);
    n.reply(r.cpu(), 0, new LockContended(classOf(o), -1), ctx);
  }

  /** {@code r}'s try failed: from now on it reads the token as {@link TokenTries} says. */
  private void spin(VmObject o, ObjectTokenRequest r, LpContext ctx) {
    long wait = lwkt.tokenDelayNs() > 0 ? lwkt.tokenDelayNs() : n.cost.cpuPauseNs();
    o.token.spin(r, r.cpu(), r.shared(), TokenTries.getThenPoll(ctx.now(), o.token.line.transferNs(r.cpu()), wait,
        lwkt.tokenSpin(), n.cost.cpuPauseNs()));
  }

  /**
   * If {@code w}'s page is busy, {@code w} sleeps on it (vm_page_sleep_busy()) or, only trying
   * (the old kernel's shared path), is told so; returns whether it was busy.
   */
  private boolean pageBusy(VmObject o, ObjectTokenRequest w, LpContext ctx) {
    if (w.busy() == ObjectTokenRequest.PageBusy.NONE || !o.busy.get(w.pindex())) {
      return false;
    }
    if (w.busy() == ObjectTokenRequest.PageBusy.TRY) {
      n.reply(w.cpu(), 0, new ObjectPageBusy(o.id, w.pindex()), ctx);
    } else {
      o.busyWaiters.add(w);
    }
    return true;
  }

  /**
   * Grants the token: the CAS on its line waits for earlier atomics on that line, then moves the
   * line from its last owner. A fault's page is looked up (and busied) under it.
   */
  private void grant(VmObject o, ObjectTokenRequest r, boolean waited, LpContext ctx) {
    ContentionStats stats = statsOf(o);
    long now = ctx.now();
    long arrived = o.token.take(r.cpu(), r.shared(), now);
    stats.acquires++;
    if (waited) {
      // Counted here, not at the failed try: a request still waiting when the run ends is no
      // acquisition, so contended never exceeds acquires.
      stats.contended++;
    }
    if (o.token.line.lastTransferNs() > 0) {
      stats.transfers++;
    }
    if (r.busy() != ObjectTokenRequest.PageBusy.NONE) {
      o.busy.set(r.pindex());
    }
    if (trace != null) {
      trace.add(new TokenEvent(arrived, o.id, r.cpu(), r.shared(), true));
    }
    int resident = o.lookup(r.pindex());
    if (r.intent() == TokenIntent.FAULT && resident >= 0) {
      // vm_page_lookup() under the object lock enters what it finds.
      hash.enter(VmPageSettings.objectAddress(o.id), vm.objectColour(o.id), r.pindex(), resident, ticks(now));
    }
    SimMessage g = switch (r.intent()) {
      case FAULT -> new ObjectTokenGranted(o.id, r.intent(), r.pindex(), resident, null);
      case UNMAP -> new ObjectTokenGranted(o.id, r.intent(), r.pindex(), -1, o.removeRange(r.pindex(), r.count()));
      case TERMINATE -> new ObjectTokenGranted(o.id, r.intent(), r.pindex(), -1, o.removeRange(0, o.size()));
      case HOLD -> new ObjectTokenGranted(o.id, r.intent(), r.pindex(), -1, null);
      case BRK -> obreak(o, r.pindex());
    };
    n.reply(r.cpu(), arrived - now, g, ctx);
  }

  /**
   * sys_obreak() under the map token: the break it guards moves to {@code target} pages as
   * kernel.brk allows (the holder does the map's work before it releases; nobody else can look).
   */
  private BrkGranted obreak(VmObject map, int target) {
    int old = map.brkPages;
    int now = brk.newBreak(old, target);
    boolean had = map.brkEntryObject;
    map.brkPages = now;
    map.brkEntryObject = brk.entryObjectAfter(old, now, had);
    return new BrkGranted(map.id, old, now, had);
  }

  /** holdfp()'s take of a process's fd_spin: a line its CPUs take in turn (no lock class: a stall). */
  void onFdSpin(FdSpin f, LpContext ctx) {
    VmObject map = object(f.map());
    if (map.fdSpin == null) {
      map.fdSpin = new QueueLock(n, null, new ContentionStats());
    }
    map.fdSpin.acquireAndReply(n, f.cpu(), 0, f.holdNs(), new GlobalLineDone(-1), ctx);
  }

  void onRelease(ObjectTokenRelease r, LpContext ctx) {
    VmObject o = object(r.objectId());
    long held = o.token.release(r.cpu(), r.shared(), ctx.now());
    if (trace != null) {
      trace.add(new TokenEvent(ctx.now(), o.id, r.cpu(), r.shared(), false));
    }
    if (r.pfn() >= 0) {
      o.insert(r.pindex(), r.pfn());
    }
    o.refs += r.refDelta();
    statsOf(o).holdNs += held;
    holdByCpu[r.cpu()] += held;
    if (o.refs <= 0 && !o.token.held()) {
      if (o.token.hasReaders() || !o.busyWaiters.isEmpty()) {
        throw new IllegalStateException("object " + o.id + " terminated with waiters");
      }
      objects.remove(key(o.id));
      return;
    }
    if (r.unbusy()) {
      o.busy.clear(r.pindex());
      // The page's sleepers wake (vm_page_wakeup()) and try the token again, in the order they came.
      List<ObjectTokenRequest> woken = new ArrayList<>();
      for (Iterator<ObjectTokenRequest> it = o.busyWaiters.iterator(); it.hasNext(); ) {
        ObjectTokenRequest w = it.next();
        if (w.pindex() == r.pindex()) {
          it.remove();
          woken.add(w);
        }
      }
      for (ObjectTokenRequest w : woken) {
        retry(o, w, ctx);
      }
    }
    readNext(o, ctx);
  }

  /** A woken sleeper's new try: the page may be busy again, or the token held. */
  private void retry(VmObject o, ObjectTokenRequest w, LpContext ctx) {
    if (pageBusy(o, w, ctx)) {
      return;
    }
    if (o.token.grantable(w.shared())) {
      grant(o, w, true, ctx);
    } else {
      spin(o, w, ctx);
    }
  }

  /**
   * The token's state changed: schedule the read of the spinner that finds it free first. A
   * spinner whose page is now busy leaves to sleep on it (or, trying, is told so).
   */
  private void readNext(VmObject o, LpContext ctx) {
    LwktTokenState.NextRead next = o.token.nextRead(ctx.now(), sp -> pageBusy(o, sp.request(), ctx));
    if (next != null) {
      ctx.schedule(next.at() - ctx.now(), new TokenRead(o.id, next));
    }
  }

  /** A spinner's read finds the token free: it takes it, unless the token changed hands since. */
  void onRead(TokenRead e, LpContext ctx) {
    VmObject o = objects.get(key(e.objectId()));
    LwktTokenState.Reader<ObjectTokenRequest> sp = o == null ? null : o.token.claim(e.read());
    if (sp == null) {
      return;
    }
    grant(o, sp.request(), true, ctx);
    readNext(o, ctx);
  }

  /**
   * A lockless reference or drop: an atomic on the ref_count line, after earlier atomics on it.
   * vm_object_deallocate() drops without the lock only from 4 refs up (501747bf).
   */
  void onRef(ObjectRef r, LpContext ctx) {
    VmObject o = object(r.objectId());
    long arrived = o.refLine.take(r.cpu(), ctx.now());
    boolean applied = r.delta() >= 0 || o.refs > 3;
    if (applied) {
      o.refs += r.delta();
    }
    n.reply(r.cpu(), arrived - ctx.now(), new ObjectRefDone(o.id, applied), ctx);
  }

  /**
   * vm_page_hash_get() for vm_fault_quick(): a hit is the page itself, soft-busied, with no lock
   * taken; the reply leaves after the hash set's and the page's cache lines have been read.
   */
  void onHashLookup(PageHashLookup h, LpContext ctx) {
    VmObject o = object(h.objectId());
    int pfn = hash.get(VmPageSettings.objectAddress(o.id), vm.objectColour(o.id), h.pindex(),
        o.lookup(h.pindex()), ticks(ctx.now()));
    n.reply(h.cpu(), 0, new PageHashResult(pfn), ctx);
  }

  /** The hardclock tick count vm_page_hash stamps entries with (1 at boot: empty ways are older). */
  private int ticks(long now) {
    return (int) (1 + now / tickNs);
  }
}
