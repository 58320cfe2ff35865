package dfsim.memory;

import dfsim.core.config.Costs;
import dfsim.core.config.BrkSettings;
import dfsim.core.config.LwktSettings;
import dfsim.core.config.VmPageSettings;
import dfsim.core.kernel.VmFaultPage;
import dfsim.core.metrics.CounterTrace;
import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.LiveCpus;
import dfsim.core.metrics.LockClass;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.protocol.ObjectTokenRelease;
import dfsim.core.protocol.ObjectTokenRequest;
import dfsim.core.protocol.ObjectRef;
import dfsim.core.protocol.PageActivate;
import dfsim.core.protocol.PageAlloc;
import dfsim.core.protocol.PageFree;
import dfsim.core.protocol.PageHashLookup;
import dfsim.core.protocol.UmtxFork;
import dfsim.core.protocol.UmtxSleep;
import dfsim.core.protocol.UmtxUser;
import dfsim.core.protocol.UmtxWake;
import dfsim.core.protocol.FdSpin;
import dfsim.core.protocol.GlobalLine;
import dfsim.core.protocol.ZoneAlloc;
import dfsim.core.protocol.ZoneFree;
import dfsim.core.sim.LogicalProcess;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimMessage;
import dfsim.core.topology.LpLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One NUMA node's memory as a logical process: its page queues ({@link VmPageQueues}), the VM
 * objects homed here ({@link VmObjects}), the umtx sleep queues of their mutex words
 * ({@link UmtxSleepQueues}) and, on node 0, pvzone's global list ({@link VmZone}) and the lines of
 * global kernel variables: the userland scheduler's, kq_token, two counters ({@link KernelGlobals}).
 * It hands every
 * arriving message to the subsystem it is for, and reports the node at the end. Files (vnode
 * objects) are read into the page cache at boot: their pages are taken from this node's queues
 * before the run. See docs/model/README.md.
 */
public final class MemoryLp implements LogicalProcess {
  private final Node n;
  private final VmPageQueues pages;
  private final VmPageHash hash;
  private final VmObjects objects;
  private final UmtxSleepQueues umtx;
  /** pvzone's global list, on node 0 only (kernel memory lives there). */
  private final VmZone zone;
  /** Global kernel variables' lines (the userland scheduler's, kq_token, counters), on node 0 only. */
  private final KernelGlobals globals;
  /** The free pages in this node's queues over the trace window, or null without a trace. */
  private CounterTrace freePages;

  public MemoryLp(int node, LpLayout layout, Costs cost, VmPageSettings vm, LwktSettings lwkt, BrkSettings brk,
      long tickNs, VmFaultPage faultPage, WorkloadPlan plan) {
    this.n = new Node(node, layout, cost);
    this.pages = vm.numa() ? new VmPageQueues(n, vm, plan.drainOf(node)) : new VmPageQueues(n, vm, plan);
    this.hash = VmPageHash.of(vm, (int) n.topo.pagesPerNode());
    this.objects = new VmObjects(n, vm, lwkt, brk.mode(), plan, hash, tickNs, pages);
    UmtxWords words = new UmtxWords(n.topo);
    // The umtx workloads run one process, the first (a debugger is another).
    int owner = plan.threads().isEmpty() ? 0 : plan.threads().get(0).pid();
    this.umtx = new UmtxSleepQueues(n, words, new MutexPageCow(n, words, faultPage, plan.pmActive(owner)), tickNs);
    this.zone = node == 0 ? new VmZone(n) : null;
    this.globals = node == 0 ? new KernelGlobals(n) : null;
  }

  /** Keeps the node's free pages over {@code [fromNs, toNs)} for trace.json, at most {@code limit} samples. */
  public void traceFreePages(long fromNs, long toNs, int limit) {
    freePages = new CounterTrace(fromNs, toNs, limit, pages.free());
  }

  @Override
  public int id() {
    return n.layout.memoryLp(n.node);
  }

  @Override
  public void start(LpContext ctx) {}

  @Override
  public void handle(SimMessage message, int sourceLp, LpContext ctx) {
    if (message instanceof ObjectTokenRequest r) {
      objects.onRequest(r, ctx);
    } else if (message instanceof ObjectTokenRelease r) {
      objects.onRelease(r, ctx);
    } else if (message instanceof VmObjects.TokenRead e) {
      objects.onRead(e, ctx);
    } else if (message instanceof PageAlloc a) {
      pages.onAlloc(a, ctx);
      freePagesChanged(ctx);
    } else if (message instanceof PageFree f) {
      pages.onFree(f, ctx);
      freePagesChanged(ctx);
    } else if (message instanceof UmtxUser u) {
      umtx.onUser(u, ctx);
    } else if (message instanceof UmtxSleep u) {
      umtx.onSleep(u, ctx);
    } else if (message instanceof UmtxWake u) {
      umtx.onWake(u, ctx);
    } else if (message instanceof UmtxFork f) {
      umtx.onFork(f, ctx);
    } else if (message instanceof UmtxSleepQueues.UmtxPollEnd p) {
      umtx.onPollEnd(p, ctx);
    } else if (message instanceof UmtxSleepQueues.UmtxTimeout t) {
      umtx.onTimeout(t, ctx);
    } else if (message instanceof PageActivate a) {
      pages.onActivate(a, ctx);
    } else if (message instanceof FdSpin f) {
      objects.onFdSpin(f, ctx);
    } else if (message instanceof ObjectRef r) {
      objects.onRef(r, ctx);
    } else if (message instanceof PageHashLookup h) {
      objects.onHashLookup(h, ctx);
    } else if (message instanceof ZoneAlloc z && zone != null) {
      zone.onAlloc(z, ctx);
    } else if (message instanceof ZoneFree z && zone != null) {
      zone.onFree(z, ctx);
    } else if (message instanceof GlobalLine g && globals != null) {
      globals.onAccess(g, ctx);
    } else {
      throw new IllegalStateException("memory node " + n.node + " cannot handle " + message);
    }
  }

  private void freePagesChanged(LpContext ctx) {
    if (freePages != null) {
      freePages.set(pages.free(), ctx.now());
    }
  }

  @Override
  public void observe(long nowNs, LiveCpus out) {
    for (int c = 0; c < objects.holdByCpu.length; c++) {
      out.addToCpu(c, CpuCounter.LOCK_HOLD_NS, objects.holdByCpu[c]);
    }
  }

  @Override
  public void finish(long endTime, RunMetrics metrics) {
    metrics.contention(LockClass.VM_OBJECT).add(objects.objectStats);
    metrics.contention(LockClass.VM_MAP).add(objects.mapStats);
    metrics.contention(LockClass.PAGE_QUEUE).add(pages.stats);
    if (zone != null) {
      metrics.contention(LockClass.ZONE).add(zone.stats);
      metrics.contention(LockClass.USCHED).add(globals.stats);
      metrics.contention(LockClass.TOKEN).add(globals.tokenStats);
    }
    for (int c = 0; c < objects.holdByCpu.length; c++) {
      metrics.addToCpu(c, CpuCounter.LOCK_HOLD_NS, objects.holdByCpu[c]);
    }
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("node", n.node);
    node.put("free_pages", pages.free());
    node.put("vm_page_hash_entries", hash.entries());
    node.put("vm_page_hash_bytes", hash.kernelBytes());
    umtx.report(endTime, node);
    metrics.addMemoryNode(n.node, node);
    if (freePages != null) {
      metrics.addFreePages(n.node, freePages.samples());
    }
  }

  /** Records every token grant and release from now on and returns the list (for tests). */
  public List<TokenEvent> traceTokens() {
    return objects.trace();
  }
}
