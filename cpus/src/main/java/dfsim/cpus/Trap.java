package dfsim.cpus;

import dfsim.core.metrics.CpuState;
import dfsim.core.metrics.KernelProfile;
import dfsim.core.program.Op;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimulationFailure;

/**
 * The running thread's program and its ways into the kernel (sys/platform/pc64/x86_64/trap.c:
 * trap() for page faults, syscall2() for system calls, userret() on the way back): it runs the
 * program's operations until one takes time, and hands that one to the kernel path that models
 * it. Zero-time operations (op markers, token releases, wakeups) run in place.
 */
final class Trap implements Globaldata.UserReturn {
  /** Zero-time operations in a row after which a program is declared stuck. */
  private static final int MAX_ZERO_TIME_OPS = 10_000;

  private final Globaldata gd;
  private final LwktThread lwkt;
  private final LwktToken tokens;
  private final VmFault vmFault;
  private final VmPageAlloc pageAlloc;
  private final VmMmap mmap;
  private final KernProc proc;
  private final KernUmtx umtx;
  private final ProcfsMem procfs;
  private final VmMadvise madvise;
  private final VmMap vmMap;
  private final Usched usched;
  private final SysPipe pipes;

  Trap(Globaldata gd, LwktThread lwkt, LwktToken tokens, VmFault vmFault, VmPageAlloc pageAlloc, VmMmap mmap,
      KernProc proc, KernUmtx umtx, ProcfsMem procfs, VmMadvise madvise, VmMap vmMap, Usched usched, SysPipe pipes) {
    this.pipes = pipes;
    this.gd = gd;
    this.lwkt = lwkt;
    this.tokens = tokens;
    this.vmFault = vmFault;
    this.pageAlloc = pageAlloc;
    this.mmap = mmap;
    this.proc = proc;
    this.umtx = umtx;
    this.procfs = procfs;
    this.madvise = madvise;
    this.vmMap = vmMap;
    this.usched = usched;
    gd.userret = this;
  }

  @Override
  public void opBoundary(LpContext ctx) {
    gd.curthread.op = null;
    gd.curthread.frame = KernelProfile.ROOT;
    gd.meter.frame(KernelProfile.ROOT, ctx.now());
    if (lwkt.reschedPending()) {
      lwkt.lwktSwitch(ctx);
    } else {
      resume(ctx);
    }
  }

  @Override
  public void stepsDone(SimThread t, LpContext ctx) {
    if (t.mutex != SimThread.MutexStep.NONE) {
      umtx.afterCall(t, ctx);
    } else if (pipes.stepsDone(t, ctx)) {
      // Asleep on the pipe: the operation goes on when a wakeup runs the thread again.
      return;
    } else if (t.op instanceof Op.Exit) {
      // The user slot released on the way out (a CPU with pipes): the thread is gone.
      lwkt.exit(t, ctx);
    } else {
      opBoundary(ctx);
    }
  }

  /** Runs the current thread's program until it starts an operation that takes time. */
  @Override
  public void resume(LpContext ctx) {
    SimThread t = gd.curthread;
    long now = ctx.now();
    gd.meter.frame(t.frame, now);
    gd.meter.thread(t.spec.tid(), now);
    t.frame = KernelProfile.ROOT;
    switch (t.wokenFrom) {
      case UMTX -> {
        umtx.resumeAfterSleep(t, ctx);
        return;
      }
      case PIPE -> {
        pipes.resume(t, ctx);
        return;
      }
      case NONE -> { }
    }
    if (t.computeLeftNs > 0) {
      lwkt.startCompute(t, ctx);
      return;
    }
    for (int i = 0; i < MAX_ZERO_TIME_OPS; i++) {
      Op op = t.program.next(now, ctx.random());
      t.op = op;
      if (!gd.plan.immediateSends() && sendsAtOnce(op)) {
        // The CPU's send bound relies on the plan's word: a violation would let the actor engine
        // open windows that are too wide, so it is refused on every engine.
        throw new IllegalStateException("workload " + gd.plan.kind() + " declares no immediate sends, but thread "
            + t.spec.tid() + " issued " + op.getClass().getSimpleName());
      }
      // Each operation enters the kernel (or user code) afresh.
      gd.meter.frame(KernelProfile.ROOT, now);
      if (startsKernelPath(t, op, ctx)) {
        return;
      }
    }
    throw new SimulationFailure("thread " + t.spec.tid() + " on CPU " + gd.cpu + " made "
        + MAX_ZERO_TIME_OPS + " zero-time operations in a row: its program makes no progress");
  }

  /** Runs {@code op}; returns whether it takes time (the thread waits for its end). */
  private boolean startsKernelPath(SimThread t, Op op, LpContext ctx) {
    long now = ctx.now();
    if (op instanceof Op.Compute c) {
      if (c.ns() > 0) {
        gd.meter.push(c.frame(), now);
        t.computeLeftNs = c.ns();
        lwkt.startCompute(t, ctx);
        return true;
      }
      return false;
    } else if (op instanceof Op.Syscall c) {
      if (c.ns() == 0) {
        return false;
      }
      // Runs as computation does (the tick may switch away at its end), in the call's frame.
      syscall(c.name(), now);
      t.computeLeftNs = c.ns();
      lwkt.startCompute(t, ctx);
    } else if (op instanceof Op.Fault f) {
      gd.meter.push("trap", now);
      vmFault.trap(t, f, ctx);
    } else if (op instanceof Op.CowFault f) {
      gd.meter.push("trap", now);
      vmFault.trapCow(t, f, ctx);
    } else if (op instanceof Op.Madvise m) {
      syscall("sys_madvise", now);
      madvise.madvise(t, m, ctx);
    } else if (op instanceof Op.Unmap u) {
      syscall("sys_munmap", now);
      mmap.munmap(u, ctx);
    } else if (op instanceof Op.Mmap m) {
      syscall("sys_mmap", now);
      vmMap.mmap(t, m, ctx);
    } else if (op instanceof Op.UnmapEmpty u) {
      syscall("sys_munmap", now);
      vmMap.munmapEmpty(t, u, ctx);
    } else if (op instanceof Op.PipeWrite w) {
      syscall("sys_write", now);
      pipes.write(t, w, ctx);
    } else if (op instanceof Op.PipeRead r) {
      syscall("sys_read", now);
      pipes.read(t, r, ctx);
    } else if (op instanceof Op.Brk b) {
      syscall("sys_obreak", now);
      vmMap.obreak(t, b, ctx);
    } else if (op instanceof Op.SchedYield) {
      if (!usched.takesTime()) {
        return false;
      }
      syscall("sys_sched_yield", now);
      usched.yield(t, ctx);
    } else if (op instanceof Op.PtraceWrite w) {
      syscall("sys_ptrace", now);
      procfs.write(t, w, ctx);
    } else if (op instanceof Op.ForkThreaded f) {
      syscall("sys_fork", now);
      umtx.forkThreaded(t, f, ctx);
    } else if (op instanceof Op.UmtxCalls u) {
      gd.meter.enter(CpuState.BUSY, now);
      gd.meter.push("syscall", now);
      umtx.probe(t, u, ctx);
    } else if (op instanceof Op.MutexLock m) {
      gd.meter.enter(CpuState.BUSY, now);
      gd.meter.push("user", now);
      gd.meter.push("pthread_mutex_lock", now);
      umtx.lock(t, m, ctx);
    } else if (op instanceof Op.MutexUnlock m) {
      gd.meter.enter(CpuState.BUSY, now);
      gd.meter.push("user", now);
      gd.meter.push("pthread_mutex_unlock", now);
      umtx.unlock(t, m, ctx);
    } else if (op instanceof Op.Fork || op instanceof Op.Exec || op instanceof Op.ExitProcess) {
      syscall(op instanceof Op.Fork ? "sys_fork" : op instanceof Op.Exec ? "sys_execve" : "sys_exit", now);
      proc.start(t, op, ctx);
    } else if (op instanceof Op.MapFault) {
      gd.meter.push("trap", now);
      proc.start(t, op, ctx);
    } else if (op instanceof Op.AllocPage) {
      gd.meter.enter(CpuState.BUSY, now);
      pageAlloc.allocAnonymous(t, ctx);
    } else if (op instanceof Op.FreePages) {
      pageAlloc.freeHeld(t, ctx);
      return false;
    } else if (op instanceof Op.Sleep s) {
      syscall("sys_nanosleep", now);
      lwkt.tsleep(t, s.ns(), ctx);
    } else if (op instanceof Op.Block) {
      gd.meter.push("tsleep", now);
      return lwkt.block(t, ctx);
    } else if (op instanceof Op.Wakeup w) {
      lwkt.wakeupThread(w.tid(), ctx);
      return false;
    } else if (op instanceof Op.GetToken g) {
      gd.meter.push("lwkt_gettoken", now);
      tokens.get(t, g.token(), ctx);
    } else if (op instanceof Op.RelToken r) {
      tokens.rel(t, r.token(), ctx);
      return false;
    } else if (op instanceof Op.Begin) {
      t.opStart = now;
      return false;
    } else if (op instanceof Op.End e) {
      gd.meter.opCompleted(e.name(), now - t.opStart, now);
      return false;
    } else if (op instanceof Op.Exit) {
      syscall("sys_exit", now);
      if (!pipes.exit(t, ctx)) {
        lwkt.exit(t, ctx);
      }
    } else {
      return false;
    }
    return true;
  }

  /** Enters system call {@code name} from user level (the profile's frame syscall;name). */
  private void syscall(String name, long now) {
    gd.meter.push("syscall", now);
    gd.meter.push(name, now);
  }

  /** Returns whether {@code op} sends a message the instant it starts (no trap, syscall or switch first). */
  private static boolean sendsAtOnce(Op op) {
    return op instanceof Op.GetToken || op instanceof Op.RelToken || op instanceof Op.Wakeup
        || op instanceof Op.AllocPage || op instanceof Op.FreePages
        || op instanceof Op.MutexLock || op instanceof Op.MutexUnlock || op instanceof Op.UmtxCalls
        || op instanceof Op.Madvise || op instanceof Op.Mmap || op instanceof Op.UnmapEmpty || op instanceof Op.Brk
        || op instanceof Op.PipeRead || op instanceof Op.PipeWrite
        || op instanceof Op.SchedYield;
  }
}
