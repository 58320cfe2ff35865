package dfsim.cpus;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.CpuState;
import dfsim.core.protocol.TokenIntent;
import dfsim.core.protocol.ObjectTokenGranted;
import dfsim.core.protocol.ObjectTokenRelease;
import dfsim.core.protocol.ObjectTokenRequest;
import dfsim.core.protocol.ObjectTokenRequest.PageBusy;
import dfsim.core.protocol.ObjectRef;
import dfsim.core.protocol.ObjectRefDone;
import dfsim.core.protocol.PageActivate;
import dfsim.core.protocol.UmtxSleep;
import dfsim.core.protocol.UmtxUser;
import dfsim.core.protocol.UmtxWake;
import dfsim.core.protocol.FdSpin;
import dfsim.core.protocol.GlobalLine;
import dfsim.core.protocol.GlobalLineDone;
import dfsim.core.protocol.HelperIpi;
import dfsim.core.sim.LpContext;
import java.util.Deque;

/**
 * Runs the running thread's kernel steps ({@link KStep}) in order: each either takes CPU time or
 * sends a request and waits for its reply, which {@link CpuLp} hands back here. When the steps
 * run out the thread's operation goes on ({@link Globaldata.UserReturn#stepsDone}).
 */
final class KStepRunner {
  private final Globaldata gd;
  private final Pmap pmap;
  private final PmapInval inval;
  private final VmPageAlloc pages;
  private final VmFault vmFault;
  /** The step whose reply this CPU waits for (a token, a reference, an atomic), or null. */
  private KStep waiting;

  KStepRunner(Globaldata gd, Pmap pmap, PmapInval inval, VmPageAlloc pages, VmFault vmFault) {
    this.gd = gd;
    this.pmap = pmap;
    this.inval = inval;
    this.pages = pages;
    this.vmFault = vmFault;
  }

  /**
   * The kernel function a step is a call of, for the profile (null: work of the path itself; a
   * fault enters vm_fault() itself).
   */
  private static String function(KStep k) {
    if (k instanceof KStep.Acquire a) {
      return a.fn();
    } else if (k instanceof KStep.Call c) {
      return c.fn();
    } else if (k instanceof KStep.Hold) {
      return "vm_object_hold";
    } else if (k instanceof KStep.Obreak) {
      return VmMap.GETTOKEN;
    } else if (k instanceof KStep.Ref) {
      return "vm_object_reference";
    } else if (k instanceof KStep.Terminate) {
      return "vm_object_terminate";
    } else if (k instanceof KStep.RemovePtes) {
      return "pmap_remove";
    } else if (k instanceof KStep.Protect) {
      return "pmap_protect";
    } else if (k instanceof KStep.Switch) {
      return "lwkt_switch";
    } else if (k instanceof KStep.Atomic a) {
      return a.fn();
    } else if (k instanceof KStep.Activate a) {
      return a.fn();
    } else if (k instanceof KStep.Global u) {
      return u.fn();
    } else if (k instanceof KStep.UmtxSleep) {
      return "tsleep";
    } else if (k instanceof KStep.Poke) {
      return "vm_fault_page";
    } else if (k instanceof KStep.HelperIpi) {
      return "lwkt_send_ipiq";
    } else if (k instanceof KStep.FdSpin) {
      return "holdfp";
    } else if (k instanceof KStep.UmtxWake) {
      return "wakeup";
    }
    return null;
  }

  /**
   * Starts the running thread {@code t}'s system call: the CPU is busy, and its kernel steps begin
   * with the entry and exit ({@code cost.syscall}). Returns the steps to add to.
   */
  Deque<KStep> syscall(SimThread t, LpContext ctx) {
    gd.meter.enter(CpuState.BUSY, ctx.now());
    Deque<KStep> k = t.newKSteps();
    k.add(new KStep.Work(gd.cost.syscallNs()));
    return k;
  }

  /**
   * A global line's access is done: on to the next step. After a usched_bsd4 requeue that found
   * no CPU for the thread, bsd4_setrunqueue() (under bsd4_spin) clears the scan CPU's bit in
   * bsd4_rdyprocmask, then schedules that CPU's helper thread.
   */
  void onGlobalLineDone(GlobalLineDone d, LpContext ctx) {
    if (d.scanCpu() >= 0 && d.scanCpu() != gd.cpu) {
      gd.curthread.ksteps.addFirst(new KStep.HelperIpi(d.scanCpu()));
      gd.curthread.ksteps.addFirst(new KStep.Global(GlobalLine.Global.BSD4_RDYPROCMASK, gd.cost.atomicNs(),
          "bsd4_setrunqueue"));
    }
    replied(ctx);
  }

  /** Returns whether a step waits for a reply. */
  boolean waiting() {
    return waiting != null;
  }

  /** Returns whether the step waiting for a reply is of type {@code type}. */
  boolean waitingFor(Class<? extends KStep> type) {
    return type.isInstance(waiting);
  }

  /** The reply the waiting step needed came: on to the next step. */
  void replied(LpContext ctx) {
    waiting = null;
    next(ctx);
  }

  /** Stops waiting without going on (the thread sleeps, or goes on polling in place). */
  void stopWaiting() {
    waiting = null;
  }

  /** Runs the next kernel step of the running thread, or ends its steps. */
  void next(LpContext ctx) {
    SimThread t = gd.curthread;
    KStep k = t.ksteps.poll();
    if (t.kstepBase < 0) {
      t.kstepBase = gd.meter.frame();
    }
    gd.meter.frame(t.kstepBase, ctx.now());
    if (k == null) {
      t.ksteps = null;
      t.kstepBase = -1;
      gd.userret.stepsDone(t, ctx);
      return;
    }
    String fn = function(k);
    if (fn != null) {
      gd.meter.push(fn, ctx.now());
    }
    int cpu = gd.cpu;
    if (k instanceof KStep.Work w) {
      gd.step(w.ns(), Globaldata.Step.KSTEP, ctx);
    } else if (k instanceof KStep.Call c) {
      gd.step(c.ns(), Globaldata.Step.KSTEP, ctx);
    } else if (k instanceof KStep.Hold h) {
      waiting = h;
      gd.sendHome(h.object(), 0, new ObjectTokenRequest(h.object(), TokenIntent.HOLD, 0, 0, cpu, h.shared(),
          PageBusy.NONE), ctx);
    } else if (k instanceof KStep.Ref r) {
      waiting = r;
      gd.sendHome(r.object(), 0, new ObjectRef(r.object(), r.delta(), cpu), ctx);
    } else if (k instanceof KStep.Terminate x) {
      waiting = x;
      gd.sendHome(x.object(), 0, new ObjectTokenRequest(x.object(), TokenIntent.TERMINATE, 0, 0, cpu), ctx);
    } else if (k instanceof KStep.RemovePtes r) {
      int own = pmap.pvFreeToOwnList(r.ptes());
      long work = r.ptes() * gd.cost.pmapRemoveNs() + own * gd.cost.zonePcpuNs() + gd.cost.tlbFlushNs();
      gd.meter.add(CpuCounter.TLB_INVALIDATIONS, 1, ctx.now());
      inval.flushed(ctx.now());
      if (pmap.pvFreeToZone(r.ptes(), own, work, ctx)) {
        waiting = r;
      } else {
        gd.step(work, Globaldata.Step.KSTEP, ctx);
      }
    } else if (k instanceof KStep.Protect p) {
      inval.flushed(ctx.now());
      gd.meter.add(CpuCounter.TLB_INVALIDATIONS, p.ptes(), ctx.now());
      long each = gd.cost.pmapRemoveNs() + inval.interlock() + gd.cost.invlpgNs();
      for (int i = 1; i < p.ptes(); i++) {
        inval.interlock();
      }
      gd.step(p.ptes() * each, Globaldata.Step.KSTEP, ctx);
    } else if (k instanceof KStep.Switch) {
      gd.meter.add(CpuCounter.CONTEXT_SWITCHES, 1, ctx.now());
      gd.step(gd.cost.contextSwitchNs(), Globaldata.Step.KSTEP, ctx);
    } else if (k instanceof KStep.Fault f) {
      vmFault.trapInKernelPath(f, ctx);
    } else if (k instanceof KStep.Acquire a) {
      waiting = a;
      gd.sendHome(a.object(), 0, new ObjectTokenRequest(a.object(), TokenIntent.HOLD, 0, 0, cpu, a.shared(),
          PageBusy.NONE), ctx);
    } else if (k instanceof KStep.Obreak o) {
      waiting = o;
      gd.sendHome(o.map(), 0, new ObjectTokenRequest(o.map(), TokenIntent.BRK, o.pages(), 0, cpu), ctx);
    } else if (k instanceof KStep.Release r) {
      gd.sendHome(r.object(), 0, new ObjectTokenRelease(r.object(), -1, -1, cpu, r.shared(), 0, false), ctx);
      next(ctx);
    } else if (k instanceof KStep.Atomic a) {
      waiting = a;
      gd.sendHome(a.object(), 0, new ObjectRef(a.object(), 0, cpu), ctx);
    } else if (k instanceof KStep.Activate a) {
      waiting = a;
      gd.sendNode(a.node(), 0, new PageActivate(cpu, a.colour()), ctx);
    } else if (k instanceof KStep.Global u) {
      // Kernel data, and so the kernel's globals, live on node 0.
      waiting = u;
      gd.sendNode(0, 0, new GlobalLine(cpu, u.global(), u.holdNs()), ctx);
    } else if (k instanceof KStep.UmtxSleep u) {
      waiting = u;
      gd.meter.spinOn("umtx_poll");
      gd.meter.enter(CpuState.SPIN, ctx.now());
      gd.sendHome(u.object(), 0, new UmtxSleep(cpu, t.spec.tid(), u.object(), u.mutex(), u.expected(),
          u.timeoutNs(), u.pollNs(), u.byFault()), ctx);
    } else if (k instanceof KStep.FdSpin f) {
      waiting = f;
      gd.sendHome(f.map(), 0, new FdSpin(cpu, f.map(), f.holdNs()), ctx);
    } else if (k instanceof KStep.HelperIpi h) {
      int lp = gd.layout.cpuLp(h.cpu());
      gd.meter.add(CpuCounter.IPIS_SENT, 1, ctx.now());
      // The IPI queue's slot and the target's request (an atomic), then the IPI on its way.
      long work = gd.cost.atomicNs();
      ctx.send(lp, work + Math.max(gd.topo.latencies().ipiNs(), ctx.latencyTo(lp)), new HelperIpi(cpu, ctx.now() + work));
      gd.step(work, Globaldata.Step.KSTEP, ctx);
    } else if (k instanceof KStep.Poke p) {
      waiting = p;
      gd.sendHome(p.object(), 0, new UmtxUser(cpu, p.object(), -1, UmtxUser.Op.POKE), ctx);
    } else if (k instanceof KStep.UmtxWake u) {
      gd.sendHome(u.object(), 0, new UmtxWake(cpu, u.object(), u.mutex(), u.count(), u.byFault()), ctx);
      if (u.byFault()) {
        waiting = u;
      } else {
        // _wakeup() dequeues local sleepers and IPIs the other CPUs with sleepers on the key; it
        // waits for nobody. (By fault, the page's resolution is the round trip.)
        next(ctx);
      }
    }
  }

  /** A waiting step's token was granted: do its work under it, then release. */
  void onGranted(ObjectTokenGranted g, LpContext ctx) {
    KStep k = waiting;
    waiting = null;
    if (k instanceof KStep.Acquire) {
      next(ctx);
    } else if (k instanceof KStep.Hold h) {
      gd.sendHome(g.objectId(), h.workNs(),
          new ObjectTokenRelease(h.object(), -1, -1, gd.cpu, h.shared(), h.refDelta(), false), ctx);
      gd.step(h.workNs(), Globaldata.Step.KSTEP, ctx);
    } else if (k instanceof KStep.Terminate x) {
      int[] removed = g.removed();
      long work = gd.cost.atomicNs() + removed.length * gd.cost.vmPageFreeNs();
      pages.free(removed, work, ctx);
      gd.sendHome(g.objectId(), work, new ObjectTokenRelease(x.object(), -1, -1, gd.cpu, false, -1, false), ctx);
      gd.step(work, Globaldata.Step.KSTEP, ctx);
    } else {
      throw new IllegalStateException("CPU " + gd.cpu + " got a grant for step " + k);
    }
  }

  /**
   * A lockless reference change or atomic is done; a drop the home refused (vm_object_deallocate()
   * at 3 refs or fewer) takes the exclusive token after all.
   */
  void onRefDone(ObjectRefDone r, LpContext ctx) {
    KStep k = waiting;
    waiting = null;
    if (!r.applied() && k instanceof KStep.Ref ref) {
      gd.curthread.ksteps.addFirst(new KStep.Hold(ref.object(), false, ref.lockedWorkNs(), ref.delta()));
    }
    next(ctx);
  }
}
