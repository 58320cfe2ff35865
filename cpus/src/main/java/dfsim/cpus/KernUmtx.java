package dfsim.cpus;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.CpuState;
import dfsim.core.metrics.Latency;
import dfsim.core.program.Op;
import dfsim.core.protocol.UmtxFork;
import dfsim.core.protocol.UmtxSleepDone;
import dfsim.core.protocol.UmtxUser;
import dfsim.core.protocol.UmtxUserDone;
import dfsim.core.protocol.UmtxWakeDone;
import dfsim.core.sim.LpContext;
import java.util.HashMap;
import java.util.Map;

/**
 * Userland mutexes and the umtx system calls, CPU side (libthread_xu's mutex over
 * sys/kern/kern_umtx.c at afd7f124 and its parent): the userland atomics on the mutex word, the
 * umtx_sleep() and umtx_wakeup() calls they fall back to (their kernel steps from
 * {@link UmtxAddressing}), the sleeps those calls end in, and fork() of the threaded process.
 * The word and its sleep queue live at the mutex page's home memory LP. See
 * docs/model/kern-umtx.md.
 */
final class KernUmtx {
  private final Globaldata gd;
  private final LwktThread lwkt;
  private final PmapInval inval;
  private final KStepRunner steps;
  private final UmtxAddressing addressing;
  /** Threads asleep in umtx_sleep(), until their page's home wakes them or times them out. */
  private final Map<Integer, SimThread> asleep = new HashMap<>();

  KernUmtx(Globaldata gd, LwktThread lwkt, PmapInval inval, KStepRunner steps, UmtxAddressing addressing) {
    this.gd = gd;
    this.lwkt = lwkt;
    this.inval = inval;
    this.steps = steps;
    this.addressing = addressing;
  }

  /**
   * fork() of a threaded process whose private page {@code object} holds its mutexes
   * (vmspace_fork(): the page's PTE write-protected; the child exits at once and is not
   * simulated). The page's home learns that it is now copy-on-write and wakes the process's umtx
   * sleepers.
   */
  void forkThreaded(SimThread t, Op.ForkThreaded f, LpContext ctx) {
    gd.meter.enter(CpuState.BUSY, ctx.now());
    long work = gd.cost.syscallNs() + gd.cost.vmMapEntryNs() + gd.cost.pmapRemoveNs() + inval.interlock()
        + gd.cost.invlpgNs();
    inval.flushed(ctx.now());
    gd.sendHome(f.object(), work, new UmtxFork(gd.cpu, f.object()), ctx);
    t.newKSteps();
    t.ksteps.add(new KStep.Work(work));
    steps.next(ctx);
  }

  /**
   * umtx calls with nothing to wait for: a umtx_sleep() that returns EBUSY at once (a value no
   * mutex word holds), a umtx_wakeup() that finds no sleeper, or the one then the other.
   */
  void probe(SimThread t, Op.UmtxCalls u, LpContext ctx) {
    t.mutexObject = u.object();
    t.mutexWord = u.mutex();
    t.probeThenWake = u.calls() == Op.UmtxCalls.Calls.SLEEP_THEN_WAKEUP;
    if (u.calls() == Op.UmtxCalls.Calls.WAKEUP) {
      call(t, SimThread.MutexStep.PROBE_WAKE, 0, ctx);
    } else {
      call(t, SimThread.MutexStep.PROBE_SLEEP, -1, ctx);
    }
  }

  /** pthread_mutex_lock(): cmpxchg 0 -> 1 first. */
  void lock(SimThread t, Op.MutexLock m, LpContext ctx) {
    startMutex(t, m.object(), m.mutex(), SimThread.MutexStep.LOCK_TRY, UmtxUser.Op.CMPXCHG_0_1, ctx);
  }

  /** pthread_mutex_unlock(): fetch-and-decrement first. */
  void unlock(SimThread t, Op.MutexUnlock m, LpContext ctx) {
    startMutex(t, m.object(), m.mutex(), SimThread.MutexStep.UNLOCK_DEC, UmtxUser.Op.DEC, ctx);
  }

  private void startMutex(SimThread t, int object, int mutex, SimThread.MutexStep step, UmtxUser.Op op,
      LpContext ctx) {
    t.mutexObject = object;
    t.mutexWord = mutex;
    t.mutex = step;
    userAtomic(t, op, ctx);
  }

  private void userAtomic(SimThread t, UmtxUser.Op op, LpContext ctx) {
    gd.sendHome(t.mutexObject, 0, new UmtxUser(gd.cpu, t.mutexObject, t.mutexWord, op), ctx);
  }

  /**
   * The page's answer to a userland atomic (the word's old value: acquired, released, or a umtx
   * call to make) or to a ptrace store (which a kernel step waits for).
   */
  void onUserDone(UmtxUserDone u, LpContext ctx) {
    gd.spin.endIfAny(ctx);
    cowDone(u.cowNs(), u.cowIpis(), ctx);
    if (steps.waitingFor(KStep.Poke.class)) {
      steps.replied(ctx);
      return;
    }
    SimThread t = gd.curthread;
    switch (t.mutex) {
      case LOCK_TRY -> {
        if (u.old() == 0) {
          mutexDone(t, ctx);
        } else if (u.old() != 2) {
          t.mutex = SimThread.MutexStep.LOCK_XCHG;
          userAtomic(t, UmtxUser.Op.XCHG_2, ctx);
        } else {
          call(t, SimThread.MutexStep.SLEEP_CALL, 2, ctx);
        }
      }
      case LOCK_XCHG -> {
        if (u.old() == 0) {
          mutexDone(t, ctx);
        } else {
          call(t, SimThread.MutexStep.SLEEP_CALL, 2, ctx);
        }
      }
      case UNLOCK_DEC -> {
        if (u.old() == 1) {
          mutexDone(t, ctx);
        } else {
          call(t, SimThread.MutexStep.WAKE_CALL, 0, ctx);
        }
      }
      default -> throw new IllegalStateException("CPU " + gd.cpu + " got a mutex word in step " + t.mutex);
    }
  }

  private void mutexDone(SimThread t, LpContext ctx) {
    t.mutex = SimThread.MutexStep.NONE;
    gd.userret.opBoundary(ctx);
  }

  /** umtx_sleep(word, expected) or umtx_wakeup(word, 1): the call's kernel steps, run. */
  private void call(SimThread t, SimThread.MutexStep call, int expected, LpContext ctx) {
    t.mutex = call;
    t.umtxStart = ctx.now();
    t.umtxAsleepNs = 0;
    gd.meter.push(isSleep(call) ? "sys_umtx_sleep" : "sys_umtx_wakeup", ctx.now());
    addressing.callSteps(t.newKSteps(), t.spec.pid(), t.mutexObject, t.mutexWord, isSleep(call), expected);
    steps.next(ctx);
  }

  private static boolean isSleep(SimThread.MutexStep call) {
    return call == SimThread.MutexStep.SLEEP_CALL || call == SimThread.MutexStep.PROBE_SLEEP;
  }

  /** The umtx call returned: its kernel time, asleep time excluded; then the mutex goes on. */
  void afterCall(SimThread t, LpContext ctx) {
    long now = ctx.now();
    gd.meter.pop(now);
    long kernelNs = now - t.umtxStart - t.umtxAsleepNs;
    if (isSleep(t.mutex)) {
      gd.meter.add(CpuCounter.UMTX_SLEEPS, 1, now);
      gd.meter.record(Latency.UMTX_SLEEP, kernelNs);
      gd.meter.opCompleted("umtx_sleep", kernelNs, now);
    } else {
      gd.meter.add(CpuCounter.UMTX_WAKEUPS, 1, now);
      gd.meter.opCompleted("umtx_wakeup", kernelNs, now);
    }
    switch (t.mutex) {
      case SLEEP_CALL -> {
        t.mutex = SimThread.MutexStep.LOCK_XCHG;
        userAtomic(t, UmtxUser.Op.XCHG_2, ctx);
      }
      case PROBE_SLEEP -> {
        if (t.probeThenWake) {
          call(t, SimThread.MutexStep.PROBE_WAKE, 0, ctx);
        } else {
          mutexDone(t, ctx);
        }
      }
      default -> mutexDone(t, ctx);
    }
  }

  /** The sleep's outcome: the word changed, the thread sleeps, or it was woken or timed out. */
  void onSleepDone(UmtxSleepDone u, LpContext ctx) {
    SimThread t = lwkt.thread(u.tid());
    long now = ctx.now();
    switch (u.outcome()) {
      case BUSY -> {
        cowDone(u.cowNs(), u.cowIpis(), ctx);
        // Still on the CPU, polling: the call returns EBUSY.
        gd.meter.enter(CpuState.BUSY, now);
        steps.replied(ctx);
      }
      case SLEEPING -> {
        cowDone(u.cowNs(), u.cowIpis(), ctx);
        steps.stopWaiting();
        t.asleepSince = now;
        asleep.put(t.spec.tid(), t);
        lwkt.deschedule(t, ctx);
      }
      case WOKEN, TIMEDOUT -> {
        if (u.outcome() == UmtxSleepDone.Outcome.TIMEDOUT) {
          gd.meter.add(CpuCounter.UMTX_TIMEOUTS, 1, now);
        }
        if (u.ipi()) {
          gd.meter.flow(UmtxSleepDone.FLOW, u.ipiFrom(), u.ipiSentNs(), now);
          gd.meter.add(CpuCounter.IPIS_RECEIVED, 1, now);
        }
        if (asleep.remove(t.spec.tid()) == null) {
          throw new IllegalStateException("CPU " + gd.cpu + ": umtx wakeup of thread " + t.spec.tid()
              + ", which is not asleep");
        }
        t.wokenFrom = SimThread.Sleep.UMTX;
        lwkt.schedule(t, ctx);
      }
    }
  }

  /**
   * Back from a umtx sleep: the rest of the call's kernel path. Time asleep and then runnable but
   * waiting for the CPU is not the call's kernel time.
   */
  void resumeAfterSleep(SimThread t, LpContext ctx) {
    t.wokenFrom = SimThread.Sleep.NONE;
    t.umtxAsleepNs += ctx.now() - t.asleepSince;
    gd.meter.enter(CpuState.BUSY, ctx.now());
    steps.next(ctx);
  }

  /** umtx_wakeup()'s answer: IPIs sent to sleepers, a COW made, a wakeup lost to a moved page. */
  void onWakeDone(UmtxWakeDone u, LpContext ctx) {
    gd.meter.add(CpuCounter.IPIS_SENT, u.ipis(), ctx.now());
    cowDone(u.cowNs(), u.cowIpis(), ctx);
    if (u.lost()) {
      gd.meter.add(CpuCounter.UMTX_LOST_WAKEUPS, 1, ctx.now());
    }
    if (steps.waitingFor(KStep.UmtxWake.class)) {
      steps.replied(ctx);
    }
  }

  /** A reply told this CPU that its write copied a page (COW): time it and count its IPIs. */
  private void cowDone(long cowNs, int ipis, LpContext ctx) {
    if (cowNs > 0) {
      gd.meter.add(CpuCounter.IPIS_SENT, ipis, ctx.now());
      gd.meter.opCompleted("cow", cowNs, ctx.now());
    }
  }
}
