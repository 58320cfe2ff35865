package dfsim.cpus;

import dfsim.core.config.LwktSettings;
import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.CpuState;
import dfsim.core.metrics.KernelProfile;
import dfsim.core.program.ThreadSpec;
import dfsim.core.protocol.TokenFailed;
import dfsim.core.protocol.TokenGranted;
import dfsim.core.protocol.WakeupRequest;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One CPU's LWKT scheduler (sys/kern/lwkt_thread.c at 85946b6c and its parent): the run queue
 * {@code gd_tdrunq}, lwkt_schedule(), lwkt_switch() with its token tries and skip loop, the
 * hardclock tick (lwkt_schedulerclock()), preemption of user computation, and the sleeps of
 * sys/kern/kern_synch.c (tsleep() with a timeout, tsleep()/wakeup() pairs). The head of
 * {@code gd_tdrunq} runs; a thread that blocks leaves the queue and the CPU switches to the next
 * one or to the idle thread. User computation is preempted at the tick; kernel paths run to their
 * end first, as a resched request is honoured only on the way out of the kernel. See
 * docs/model/lwkt-thread.md.
 */
final class LwktThread {
  /** The hardclock tick driving lwkt_schedulerclock(). */
  record Tick() implements SimMessage {}

  /** A thread's tsleep() timeout (its callout) fires. */
  record TsleepTimeout(int tid) implements SimMessage {}

  private final Globaldata gd;
  private final LwktSchedulerPolicy policy;
  private final LwktToken tokens;
  private final LwktRunQueue runq = new LwktRunQueue();
  /** Threads of this CPU by id, while they live. */
  private final Map<Integer, SimThread> threads = new HashMap<>();
  /** Threads in tsleep() with a timeout, until their callout. */
  private final Map<Integer, SimThread> sleeping = new HashMap<>();
  /** Threads blocked in tsleep() with no timeout, until a wakeup(). */
  private final Map<Integer, SimThread> blocked = new HashMap<>();
  private long nextTick;
  /** The running thread computes in user mode (preemptible at once). */
  private boolean computing;
  private boolean needResched;
  /** lwkt_switch()'s candidates, in the order it tries them, and the one being tried. */
  private final List<SimThread> candidates = new ArrayList<>();
  private int candidate;
  /** A thread became runnable while lwkt_switch() was trying tokens: scan again. */
  private boolean rescan;

  LwktThread(Globaldata gd, LwktSchedulerPolicy policy, LwktToken tokens) {
    this.gd = gd;
    this.policy = policy;
    this.tokens = tokens;
  }

  void start(LpContext ctx) {
    nextTick = gd.sim.tickNs();
    ctx.schedule(gd.sim.tickNs(), new Tick());
  }

  /** The earliest of this CPU's own timed events that may send: the tick while a thread runs, a tsleep timeout. */
  long nextTimedEvent() {
    long bound = gd.curthread != null ? nextTick : Long.MAX_VALUE;
    for (SimThread t : sleeping.values()) {
      bound = Math.min(bound, t.wakeAt);
    }
    return bound;
  }

  /** Returns the live thread {@code tid} of this CPU, or null. */
  SimThread thread(int tid) {
    return threads.get(tid);
  }

  /** lwkt_create() + lwkt_schedule() of a new thread. */
  void onThreadStart(ThreadSpec spec, LpContext ctx) {
    SimThread t = new SimThread(spec, gd.plan.programs().create(spec));
    threads.put(spec.tid(), t);
    schedule(t, ctx);
  }

  /** wakeup() of thread {@code tid}: on this CPU directly, else an IPI through the socket's scheduler. */
  void wakeupThread(int tid, LpContext ctx) {
    if (gd.plan.cpuOf(tid) == gd.cpu) {
      wakeup(tid, ctx);
    } else {
      gd.meter.add(CpuCounter.IPIS_SENT, 1, ctx.now());
      gd.send(gd.layout.schedulerLp(gd.topo.socketOf(gd.cpu)), 0, new WakeupRequest(tid, gd.cpu, ctx.now()), ctx);
    }
  }

  /** wakeup() on this CPU: run a blocked thread, or leave the wakeup pending for its next block. */
  void wakeup(int tid, LpContext ctx) {
    SimThread t = blocked.remove(tid);
    if (t != null) {
      schedule(t, ctx);
    } else if (threads.containsKey(tid)) {
      threads.get(tid).pendingWakeups++;
    }
  }

  /** tsleep() with a timeout: the thread leaves the run queue until its callout. */
  void tsleep(SimThread t, long ns, LpContext ctx) {
    runq.remove(t);
    sleeping.put(t.spec.tid(), t);
    t.wakeAt = ctx.now() + ns;
    ctx.schedule(ns, new TsleepTimeout(t.spec.tid()));
    lwktSwitch(ctx);
  }

  void onTsleepTimeout(TsleepTimeout w, LpContext ctx) {
    schedule(sleeping.remove(w.tid()), ctx);
  }

  /** tsleep() until a wakeup(); returns false when a wakeup was already pending (no sleep). */
  boolean block(SimThread t, LpContext ctx) {
    if (t.pendingWakeups > 0) {
      t.pendingWakeups--;
      return false;
    }
    runq.remove(t);
    blocked.put(t.spec.tid(), t);
    lwktSwitch(ctx);
    return true;
  }

  /** The thread leaves the run queue for a sleep another subsystem keeps (umtx). */
  void deschedule(SimThread t, LpContext ctx) {
    runq.remove(t);
    lwktSwitch(ctx);
  }

  /** lwkt_exit(): the thread is gone. */
  void exit(SimThread t, LpContext ctx) {
    runq.remove(t);
    threads.remove(t.spec.tid());
    lwktSwitch(ctx);
  }

  /** lwkt_schedule(): queue {@code t}; run it now if the CPU idles or it outranks the runner. */
  void schedule(SimThread t, LpContext ctx) {
    runq.enqueue(t);
    if (tokens.phase() == LwktToken.Phase.POLL) {
      // The skip loop rescans every pass: it sees the new thread at once.
      tokens.cancelPolls(ctx);
      lwktSwitch(ctx);
    } else if (tokens.phase() == LwktToken.Phase.SWITCH_TRY) {
      rescan = true;
    } else if (gd.curthread == null) {
      lwktSwitch(ctx);
    } else if (t.priority() > gd.curthread.priority()) {
      needResched = true;
      preemptCompute(ctx);
    }
  }

  /** The hardclock tick: the resched the scheduler's clock asks, and preemption of user computation. */
  void onTick(LpContext ctx) {
    nextTick = ctx.now() + gd.sim.tickNs();
    ctx.schedule(gd.sim.tickNs(), new Tick());
    LwktToken.Phase phase = tokens.phase();
    if (gd.curthread == null || phase == LwktToken.Phase.SWITCH_TRY || phase == LwktToken.Phase.POLL) {
      return;
    }
    if (policy.tick(runq, gd.curthread)) {
      needResched = true;
    }
    preemptCompute(ctx);
  }

  /** The thread computes in user mode for its remaining compute time. */
  void startCompute(SimThread t, LpContext ctx) {
    gd.meter.enter(CpuState.BUSY, ctx.now());
    computing = true;
    t.computeStart = ctx.now();
    gd.step(t.computeLeftNs, Globaldata.Step.COMPUTE, ctx);
  }

  /** The user computation ran to its end. */
  void computeDone() {
    computing = false;
    gd.curthread.computeLeftNs = 0;
  }

  /** Whether a resched is pending (honoured at the next yield point). */
  boolean reschedPending() {
    return needResched;
  }

  /**
   * User computation is preempted at once when a resched is pending (the AST on the way back to
   * user mode); kernel threads (priority >= TDPRI_KERN_LPSCHED) switch only at their next yield
   * point, the end of the current operation.
   */
  private void preemptCompute(LpContext ctx) {
    SimThread running = gd.curthread;
    if (needResched && computing && running.priority() < LwktSettings.TDPRI_KERN_LPSCHED) {
      running.computeLeftNs -= ctx.now() - running.computeStart;
      computing = false;
      gd.newGeneration();
      lwktSwitch(ctx);
    }
  }

  /**
   * lwkt_switch(): release the outgoing thread's tokens, then take the first candidate whose
   * tokens can be had (the policy says which threads behind the head are candidates). If none,
   * the skip loop spins retrying them (polling their tokens) until one wins or a thread arrives.
   */
  void lwktSwitch(LpContext ctx) {
    int switching = gd.meter.child(KernelProfile.ROOT, "lwkt_switch");
    if (gd.curthread != null && gd.meter.frame() != switching) {
      // The thread leaves the CPU in this frame; it is back in it when it runs again.
      gd.curthread.frame = gd.meter.frame();
    }
    gd.meter.frame(switching, ctx.now());
    gd.meter.thread(-1, ctx.now());
    needResched = false;
    tokens.releaseAtSwitch(gd.curthread, ctx);
    scan(ctx);
  }

  private void scan(LpContext ctx) {
    rescan = false;
    candidates.clear();
    runq.forEachFromHead(t -> {
      if (candidates.isEmpty() || policy.triesBehindHead(t)) {
        candidates.add(t);
        return true;
      }
      return false;
    });
    tryCandidate(0, ctx);
  }

  private void tryCandidate(int i, LpContext ctx) {
    if (i >= candidates.size()) {
      skip(ctx);
      return;
    }
    SimThread c = candidates.get(i);
    if (c.wantToken < 0) {
      choose(c, ctx);
      return;
    }
    candidate = i;
    tokens.trySwitch(c, ctx);
  }

  /** Every candidate is contended (or none is runnable): spin in the skip loop, or idle. */
  private void skip(LpContext ctx) {
    if (rescan) {
      scan(ctx);
      return;
    }
    tokens.done();
    if (candidates.isEmpty()) {
      choose(null, ctx);
      return;
    }
    tokens.poll(candidates, ctx);
  }

  void onTokenGranted(TokenGranted g, LpContext ctx) {
    boolean get = tokens.phase() == LwktToken.Phase.GET;
    SimThread t = tokens.onGranted(g, ctx);
    if (t == null) {
      // A poll grant that crossed our cancel: the home took the cancel as a release.
      return;
    }
    if (get) {
      gd.userret.resume(ctx);
    } else {
      choose(t, ctx);
    }
  }

  void onTokenFailed(TokenFailed f, LpContext ctx) {
    if (tokens.onFailed(f, ctx) == LwktToken.Phase.GET) {
      // lwkt_gettoken() gave up: the thread stays on the run queue and lwkt_switch() must win
      // the token for it before it runs again.
      lwktSwitch(ctx);
    } else {
      tryCandidate(candidate + 1, ctx);
    }
  }

  /** Switches to {@code next} (null: the idle thread), or goes on with the running thread. */
  private void choose(SimThread next, LpContext ctx) {
    tokens.done();
    if (rescan && next != null && runq.head() != null && runq.head().priority() > next.priority()) {
      // A thread that arrived during the token tries outranks the winner: resched at its first chance.
      needResched = true;
    }
    rescan = false;
    long now = ctx.now();
    if (next == gd.curthread) {
      if (next == null) {
        gd.meter.enter(CpuState.IDLE, now);
      } else {
        gd.userret.resume(ctx);
      }
      return;
    }
    gd.meter.add(CpuCounter.CONTEXT_SWITCHES, 1, now);
    gd.curthread = next;
    gd.newGeneration();
    if (next == null) {
      gd.meter.enter(CpuState.IDLE, now);
      return;
    }
    gd.meter.enter(CpuState.BUSY, now);
    gd.step(gd.cost.contextSwitchNs(), Globaldata.Step.SWITCH, ctx);
  }
}
