package dfsim.cpus;

import dfsim.core.config.Costs;
import dfsim.core.config.LwktSettings;
import dfsim.core.config.PmapSettings;
import dfsim.core.config.SimSettings;
import dfsim.core.config.UmtxSettings;
import dfsim.core.config.UschedSettings;
import dfsim.core.config.BrkSettings;
import dfsim.core.config.CpuSwitchSettings;
import dfsim.core.config.FdSettings;
import dfsim.core.config.PipeSettings;
import dfsim.core.config.VmFaultSettings;
import dfsim.core.config.VmPageSettings;
import dfsim.core.config.ZoneSettings;
import dfsim.core.kernel.VmFaultPage;
import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.LiveCpus;
import dfsim.core.metrics.LockClass;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.program.Op;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.protocol.CowInvalidate;
import dfsim.core.protocol.IpiWakeup;
import dfsim.core.protocol.LockContended;
import dfsim.core.protocol.ObjectTokenGranted;
import dfsim.core.protocol.BrkGranted;
import dfsim.core.protocol.ObjectPageBusy;
import dfsim.core.protocol.ObjectRefDone;
import dfsim.core.protocol.PageActivated;
import dfsim.core.protocol.GlobalLineDone;
import dfsim.core.protocol.HelperIpi;
import dfsim.core.protocol.PageAllocated;
import dfsim.core.protocol.PageHashResult;
import dfsim.core.protocol.StaleMapping;
import dfsim.core.protocol.ThreadStart;
import dfsim.core.protocol.TlbAck;
import dfsim.core.protocol.TlbShootdown;
import dfsim.core.protocol.TokenFailed;
import dfsim.core.protocol.TokenGranted;
import dfsim.core.protocol.UmtxSleepDone;
import dfsim.core.protocol.UmtxUserDone;
import dfsim.core.protocol.UmtxWakeDone;
import dfsim.core.protocol.ZoneAllocated;
import dfsim.core.protocol.ZoneFreed;
import dfsim.core.sim.LogicalProcess;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimMessage;
import dfsim.core.topology.LpLayout;

/**
 * One simulated CPU as a logical process: it builds the CPU's kernel subsystems, each modelled on
 * one kernel source file, and hands every arriving message to the subsystem waiting for it. The
 * subsystems share only the per-CPU state of {@link Globaldata}; the behaviour before and after
 * each modelled commit is an implementation of a small interface chosen here, once. See
 * docs/model/README.md for what each models.
 */
public final class CpuLp implements LogicalProcess {
  private final Globaldata gd;
  private final LwktThread lwkt;
  private final VmPageAlloc pageAlloc;
  private final PmapInval inval;
  private final VmFault vmFault;
  private final VmMmap mmap;
  private final KStepRunner steps;
  private final KernUmtx umtx;
  private final VmMap vmMap;
  /** The least delay from a thread's own event to its first send, unless it may send at once. */
  private final long sendMargin;

  public CpuLp(int cpu, LpLayout layout, Costs cost, SimSettings sim, LwktSettings lwktSettings, ZoneSettings zone,
      PmapSettings pmapSettings, VmPageSettings vm, VmFaultSettings fault, UmtxSettings umtxSettings,
      UschedSettings usched, BrkSettings brk, PipeSettings pipe, CpuSwitchSettings switches, FdSettings fd,
      WorkloadPlan plan) {
    this.gd = new Globaldata(cpu, layout, cost, sim, plan);
    VmFaultPage faultPage = VmFaultPage.of(fault.enterPmap());
    LwktToken tokens = new LwktToken(gd, lwktSettings);
    this.lwkt = new LwktThread(gd, LwktSchedulerPolicy.of(lwktSettings.scheduler()), tokens);
    this.pageAlloc = new VmPageAlloc(gd, vm, PageColouring.of(vm, gd.topo, cpu));
    Pmap pmap = new Pmap(gd, PvZoneCache.of(zone));
    this.inval = new PmapInval(gd, pmap, InvalInterlock.of(pmapSettings));
    ObjectLocking locking = ObjectLocking.of(fault.lockMode(), cost);
    KernDescrip descrip = new KernDescrip(gd, pmap, fd.holdfp());
    FaultMapToken mapToken = FaultMapToken.of(fault);
    this.vmFault = new VmFault(gd, locking, FaultQuick.of(vm), pageAlloc, pmap, mapToken);
    this.mmap = new VmMmap(gd, pmap, inval, pageAlloc);
    this.steps = new KStepRunner(gd, pmap, inval, pageAlloc, vmFault);
    this.umtx = new KernUmtx(gd, lwkt, inval, steps,
        UmtxAddressing.of(umtxSettings, fault.faultPageQuick(), cost, faultPage, mapToken, vm, pageAlloc, plan,
            gd.topo));
    new Trap(gd, lwkt, tokens, vmFault, pageAlloc, mmap, new KernProc(gd, locking, mapToken, pmap, steps), umtx,
        new ProcfsMem(gd, steps, faultPage, mapToken, cost), new VmMadvise(gd, steps, pageAlloc),
        vmMap = new VmMap(gd, pmap, steps, locking, brk.mode(), descrip),
        new Usched(gd, steps, UschedYield.of(usched, cost)),
        new SysPipe(gd, lwkt, steps, pmap, UschedSleep.of(usched, cost), pipe, switches, descrip));
    this.sendMargin = plan.immediateSends() ? 0
        : Math.min(cost.trapNs(), Math.min(cost.syscallNs(), cost.contextSwitchNs()));
  }

  @Override
  public int id() {
    return gd.layout.cpuLp(gd.cpu);
  }

  @Override
  public void start(LpContext ctx) {
    lwkt.start(ctx);
  }

  /**
   * The earliest time this CPU could send, from its own pending events: the end of its current
   * step, a sleeper's wakeup, or the next tick while a thread runs. With token or wakeup
   * operations in the workload any of these may send at once (lwkt_switch() releasing a token);
   * without them every send follows a fault trap, a syscall or a context switch, and the bound
   * moves out by the least of those. A spinning or idle CPU's own events send nothing: the end
   * of a spin, a tick with no thread. Messages it receives are bounded by the engine.
   */
  @Override
  public long nextSendBound(long nextEventTime) {
    long bound = Math.min(gd.stepAt, lwkt.nextTimedEvent());
    return Math.max(nextEventTime, bound == Long.MAX_VALUE ? bound : bound + sendMargin);
  }

  @Override
  public void handle(SimMessage message, int sourceLp, LpContext ctx) {
    if (message instanceof Globaldata.StepDone s) {
      if (s.gen() == gd.gen) {
        gd.stepAt = Long.MAX_VALUE;
        onStepDone(s.step(), ctx);
      }
    } else if (message instanceof SpinWait.SpinDone s) {
      gd.spin.onSpinDone(s, ctx.now());
    } else if (message instanceof LockContended c) {
      if (c.lockClass() == LockClass.TOKEN) {
        gd.meter.add(CpuCounter.TOKEN_CONTENDED, 1, ctx.now());
      }
      gd.spin.start(c.lockClass(), c.waitNs(), ctx);
    } else if (message instanceof ObjectTokenGranted g) {
      onGranted(g, ctx);
    } else if (message instanceof BrkGranted g) {
      gd.spin.endIfAny(ctx);
      vmMap.onBrkGranted(g, ctx);
    } else if (message instanceof PageAllocated p) {
      int pfn = pageAlloc.onAllocated(p, ctx);
      if (pfn >= 0 && gd.curthread.op instanceof Op.AllocPage) {
        pageAlloc.anonymousAllocated(pfn, ctx);
      } else if (pfn >= 0) {
        vmFault.onPageAllocated(pfn, ctx);
      }
    } else if (message instanceof UmtxUserDone u) {
      umtx.onUserDone(u, ctx);
    } else if (message instanceof CowInvalidate c) {
      gd.meter.flow(CowInvalidate.FLOW, c.origin(), c.sentNs(), ctx.now());
      inval.onCowInvalidate(ctx.now());
    } else if (message instanceof StaleMapping) {
      inval.onStale(ctx.now());
    } else if (message instanceof UmtxSleepDone u) {
      umtx.onSleepDone(u, ctx);
    } else if (message instanceof UmtxWakeDone u) {
      umtx.onWakeDone(u, ctx);
    } else if (message instanceof PageActivated) {
      gd.spin.endIfAny(ctx);
      steps.replied(ctx);
    } else if (message instanceof GlobalLineDone d) {
      gd.spin.endIfAny(ctx);
      steps.onGlobalLineDone(d, ctx);
    } else if (message instanceof HelperIpi h) {
      gd.meter.flow(HelperIpi.FLOW, h.fromCpu(), h.sentNs(), ctx.now());
      gd.meter.add(CpuCounter.IPIS_RECEIVED, 1, ctx.now());
    } else if (message instanceof ObjectPageBusy) {
      vmFault.onPageBusy(ctx);
    } else if (message instanceof ObjectRefDone r) {
      steps.onRefDone(r, ctx);
    } else if (message instanceof PageHashResult h) {
      vmFault.onHashResult(h, ctx);
    } else if (message instanceof ZoneAllocated) {
      vmFault.onZoneAllocated(ctx);
    } else if (message instanceof ZoneFreed) {
      if (steps.waitingFor(KStep.RemovePtes.class)) {
        gd.spin.endIfAny(ctx);
        steps.replied(ctx);
      } else {
        mmap.onZoneFreed(ctx);
      }
    } else if (message instanceof TokenGranted g) {
      lwkt.onTokenGranted(g, ctx);
    } else if (message instanceof TokenFailed f) {
      lwkt.onTokenFailed(f, ctx);
    } else if (message instanceof LwktThread.Tick) {
      lwkt.onTick(ctx);
    } else if (message instanceof LwktThread.TsleepTimeout w) {
      lwkt.onTsleepTimeout(w, ctx);
    } else if (message instanceof TlbShootdown d) {
      inval.onShootdown(d, ctx);
    } else if (message instanceof TlbAck) {
      long tail = inval.onAck(ctx);
      if (tail >= 0) {
        mmap.onShootdownDone(tail, ctx);
      }
    } else if (message instanceof IpiWakeup w) {
      gd.meter.flow(IpiWakeup.FLOW, w.fromCpu(), w.sentNs(), ctx.now());
      gd.meter.add(CpuCounter.IPIS_RECEIVED, 1, ctx.now());
      lwkt.wakeup(w.tid(), ctx);
    } else if (message instanceof ThreadStart s) {
      lwkt.onThreadStart(s.spec(), ctx);
    } else {
      throw new IllegalStateException("CPU " + gd.cpu + " cannot handle " + message);
    }
  }

  /** A token was granted: to a kernel step, an unmap, or a fault. */
  private void onGranted(ObjectTokenGranted g, LpContext ctx) {
    gd.spin.endIfAny(ctx);
    if (steps.waiting()) {
      steps.onGranted(g, ctx);
    } else if (mmap.waiting()) {
      mmap.onGranted(g, ctx);
    } else {
      vmFault.onGranted(g, ctx);
    }
  }

  private void onStepDone(Globaldata.Step step, LpContext ctx) {
    switch (step) {
      case SWITCH -> gd.userret.resume(ctx);
      case COMPUTE -> {
        lwkt.computeDone();
        gd.userret.opBoundary(ctx);
      }
      case FAULT_DONE -> {
        vmFault.done(ctx.now());
        if (gd.curthread.ksteps != null) {
          steps.next(ctx);
        } else {
          gd.userret.opBoundary(ctx);
        }
      }
      case KSTEP -> steps.next(ctx);
      case UNMAP_DONE, ALLOC_DONE -> gd.userret.opBoundary(ctx);
      case SHOOTDOWN_SENT -> gd.spin.start(LockClass.TLB_SHOOTDOWN, -1, ctx);
    }
  }

  @Override
  public void finish(long endTime, RunMetrics metrics) {
    inval.finish(endTime, metrics);
    gd.meter.finish(endTime);
    metrics.addCpu(gd.meter);
    gd.spin.finish(metrics);
  }

  @Override
  public void observe(long nowNs, LiveCpus out) {
    out.addMeter(gd.meter, nowNs);
    long staleSince = inval.staleSince();
    if (staleSince >= 0 && nowNs > staleSince) {
      // finish() closes an open stale window at the end; a live view counts it up to now
      out.addToCpu(gd.cpu, CpuCounter.STALE_MAPPING_NS, nowNs - staleSince);
    }
  }
}
