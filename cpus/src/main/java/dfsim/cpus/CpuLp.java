package dfsim.cpus;

import dfsim.core.config.Costs;
import dfsim.core.config.LwktSettings;
import dfsim.core.config.PmapSettings;
import dfsim.core.config.SimSettings;
import dfsim.core.config.UmtxSettings;
import dfsim.core.config.VmFaultSettings;
import dfsim.core.config.VmPageSettings;
import dfsim.core.config.ZoneSettings;
import dfsim.core.metrics.ContentionStats;
import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.CpuMeter;
import dfsim.core.metrics.CpuState;
import dfsim.core.metrics.Latency;
import dfsim.core.metrics.LockClass;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.program.Op;
import dfsim.core.program.ProgramFactory;
import dfsim.core.program.ThreadSpec;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.protocol.IpiWakeup;
import dfsim.core.protocol.LockContended;
import dfsim.core.protocol.LockIntent;
import dfsim.core.protocol.ObjectLockGranted;
import dfsim.core.protocol.ObjectLockRelease;
import dfsim.core.protocol.ObjectLockRequest;
import dfsim.core.protocol.ObjectLockRequest.PageBusy;
import dfsim.core.protocol.ObjectPageBusy;
import dfsim.core.protocol.ObjectRef;
import dfsim.core.protocol.ObjectRefDone;
import dfsim.core.protocol.PageAlloc;
import dfsim.core.protocol.PageAllocated;
import dfsim.core.protocol.PageActivate;
import dfsim.core.protocol.PageActivated;
import dfsim.core.protocol.CowInvalidate;
import dfsim.core.protocol.PageFree;
import dfsim.core.protocol.StaleMapping;
import dfsim.core.protocol.UmtxSleepDone;
import dfsim.core.protocol.UmtxUser;
import dfsim.core.protocol.UmtxUserDone;
import dfsim.core.protocol.UmtxWake;
import dfsim.core.protocol.UmtxWakeDone;
import dfsim.core.protocol.PageHashLookup;
import dfsim.core.protocol.PageHashResult;
import dfsim.core.protocol.ThreadStart;
import dfsim.core.protocol.TlbAck;
import dfsim.core.protocol.TlbShootdown;
import dfsim.core.protocol.TokenFailed;
import dfsim.core.protocol.TokenGranted;
import dfsim.core.protocol.TokenPoll;
import dfsim.core.protocol.TokenPollCancel;
import dfsim.core.protocol.TokenRelease;
import dfsim.core.protocol.TokenTry;
import dfsim.core.protocol.WakeupRequest;
import dfsim.core.protocol.ZoneAlloc;
import dfsim.core.protocol.ZoneAllocated;
import dfsim.core.protocol.ZoneFree;
import dfsim.core.sim.LogicalProcess;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimMessage;
import dfsim.core.sim.SimulationFailure;
import dfsim.core.topology.LpLayout;
import dfsim.core.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;

/**
 * One simulated CPU ({@code struct globaldata}): its LWKT run queue, the thread it runs, and the
 * CPU side of the kernel paths its threads take.
 *
 * <p>Scheduling follows sys/kern/lwkt_thread.c: the head of {@code gd_tdrunq} runs; a thread that
 * blocks leaves the queue and the CPU switches to the next one or to the idle thread;
 * lwkt_schedulerclock() on each {@code kernel.hz} tick moves the running head behind its
 * equal-priority peers. User computation is preempted at the tick; kernel paths run to their end
 * first, as a resched request is honoured only on the way out of the kernel.
 *
 * <p>The fault path follows vm_fault() in sys/vm/vm_fault.c before 501747bf: trap, take the VM
 * object's lock exclusively at its home memory LP, look the page up, vm_page_alloc() from the
 * nearest node with free pages, zero it, pmap_enter(), release the lock. Waiting for a held lock
 * is spin time, accounted from the instant the first try fails to the instant it is granted.
 */
public final class CpuLp implements LogicalProcess {
  public enum Step { SWITCH, COMPUTE, FAULT_DONE, UNMAP_DONE, SHOOTDOWN_SENT, ALLOC_DONE, KSTEP }

  /** The hardclock tick driving lwkt_schedulerclock(). */
  public record Tick() implements SimMessage {}

  /** The end of a step of CPU work started in generation {@code gen} (stale after a switch). */
  public record StepDone(long gen, Step step) implements SimMessage {}

  /** The end of a spin whose length the lock's home told in advance. */
  public record SpinDone(long gen) implements SimMessage {}

  /** A sleeping thread's timeout (its callout) fires. */
  public record Wakeup(int tid) implements SimMessage {}

  /** Zero-time operations in a row after which a program is declared stuck. */
  private static final int MAX_ZERO_TIME_OPS = 10_000;

  private final int cpu;
  private final Topology topo;
  private final LpLayout layout;
  private final Costs cost;
  private final SimSettings sim;
  private final WorkloadPlan plan;
  private final ProgramFactory programs;
  private final LwktSettings lwkt;
  private final ZoneSettings zone;
  private final PmapSettings pmap;
  private final VmPageSettings vm;
  /** The colour and the node order of the allocation in progress. */
  private int allocColour;
  private int[] allocOrder;
  /** pm_active of each process's pmap: the CPUs its threads live on (LWKT threads stay put). */
  private final int[][] pmActive;
  /** PMAP_MULTI of each process's pmap: set when a second thread was created, never cleared. */
  private final boolean[] pmapMulti;
  private final ContentionStats interlockStats = new ContentionStats();
  /** An unmap waiting for its invalidation IPIs to be acknowledged. */
  private int acksPending;
  private int shootdownTargets;
  private int unmapLocalFrees;
  /** The unmap in progress: its object, PTEs removed, pages to free, and whether it holds the object lock. */
  private int unmapObject;
  private int unmapPtes;
  private int[] unmapFreed;
  private boolean unmapLocked;
  /** Whether the fault in progress holds its object's lock (not when vm_fault_quick() hit). */
  private boolean faultLocked;
  /**
   * The fault in progress: its first object and pindex, how that token is held (shared, with the
   * page busied), the backing object held shared (-1: none) and its pindex, whether the new page
   * is a copy (COW) rather than zeroed, and where in its two-stage locking it is.
   */
  private int fFirst;
  private int fPindex;
  private boolean fShared;
  private boolean fBusy;
  private int fBacking = -1;
  private int fBackingPindex;
  private boolean fCopy;
  private KStep.FaultKind fKind;
  private FaultPhase fPhase = FaultPhase.LEGACY;

  private enum FaultPhase {
    LEGACY, VNODE_SHARED, VNODE_EXCLUSIVE, ZF_SHARED, ZF_EXCLUSIVE, CHAIN_SHARED, CHAIN_FIRST, CHAIN_BACKING
  }

  private final VmFaultSettings vmFault;
  private final UmtxSettings umtx;
  private final ProcessVm processVm;
  /** The kernel step whose reply this CPU waits for (a token or a lockless reference), or null. */
  private KStep waitingStep;
  /** Since when this CPU may use a stale translation (-1: none). */
  private long staleSince = -1;
  /** Objects this CPU has created (their ids). */
  private long objectsCreated;
  /** Items on this CPU's own pvzone free list (zfreecnt_pcpu[cpuid]); empty at boot. */
  private int pvPcpu;
  /** The page a fault in progress inserts once its pv entry is allocated (-1: none). */
  private int faultPfn;
  private final CpuMeter meter;
  private final LwktRunQueue runq = new LwktRunQueue();
  /** Threads in tsleep() with a timeout, until their callout. */
  private final Map<Integer, SimThread> sleeping = new HashMap<>();
  /** Threads of this CPU by id, while they live. */
  private final Map<Integer, SimThread> threads = new HashMap<>();
  /** Threads blocked in tsleep() with no timeout, until a wakeup(). */
  private final Map<Integer, SimThread> blocked = new HashMap<>();
  /** Threads asleep in umtx_sleep(), until their page's home wakes them or times them out. */
  private final Map<Integer, SimThread> umtxAsleep = new HashMap<>();
  /** Lock wait per lock class, by ordinal. */
  private final long[] waitByClass = new long[LockClass.values().length];

  /** The thread on the CPU, or null for the idle thread. */
  private SimThread running;
  /** Bumped on every switch and preemption, so that the old thread's pending steps go stale. */
  private long gen;
  /** When the pending step of this generation completes, or Long.MAX_VALUE. */
  private long stepAt = Long.MAX_VALUE;
  private long nextTick;
  private boolean computing;
  private boolean needResched;
  private boolean spinning;
  private long spinStart;
  private long spinGen;
  private LockClass spinClass;

  /** What a token reply answers: a get by the running thread, or lwkt_switch()'s tries. */
  private enum TokenPhase { NONE, GET, SWITCH_TRY, POLL }

  private TokenPhase tokenPhase = TokenPhase.NONE;
  /** lwkt_switch()'s candidates, in the order it tries them, and the one being tried. */
  private final List<SimThread> candidates = new ArrayList<>();
  private int candidate;
  /** Threads whose tokens the skip loop polls, and the request number of each poll. */
  private final List<SimThread> polled = new ArrayList<>();
  private final List<Long> polledRequests = new ArrayList<>();
  /** The number of the last token request; replies to any other (a cancelled poll's) are stale. */
  private long tokenRequest;
  /** A thread became runnable while lwkt_switch() was trying tokens: scan again. */
  private boolean rescan;

  public CpuLp(int cpu, LpLayout layout, Costs cost, SimSettings sim, LwktSettings lwkt, ZoneSettings zone,
      PmapSettings pmap, VmPageSettings vm, VmFaultSettings vmFault, UmtxSettings umtx, WorkloadPlan plan) {
    this.cpu = cpu;
    this.umtx = umtx;
    this.vmFault = vmFault;
    this.processVm = new ProcessVm(cost, vmFault);
    this.lwkt = lwkt;
    this.zone = zone;
    this.pmap = pmap;
    this.vm = vm;
    int processes = 0;
    for (ThreadSpec t : plan.threads()) {
      processes = Math.max(processes, t.pid() + 1);
    }
    java.util.List<java.util.TreeSet<Integer>> active = new ArrayList<>();
    int[] threadsOf = new int[processes];
    for (int p = 0; p < processes; p++) {
      active.add(new java.util.TreeSet<>());
    }
    for (ThreadSpec t : plan.threads()) {
      active.get(t.pid()).add(t.cpu());
      threadsOf[t.pid()]++;
    }
    this.pmActive = new int[processes][];
    this.pmapMulti = new boolean[processes];
    for (int p = 0; p < processes; p++) {
      pmActive[p] = active.get(p).stream().mapToInt(Integer::intValue).toArray();
      pmapMulti[p] = threadsOf[p] > 1;
    }
    this.layout = layout;
    this.topo = layout.topology();
    this.cost = cost;
    this.sim = sim;
    this.plan = plan;
    this.programs = plan.programs();
    this.meter = new CpuMeter(cpu, sim.endTimeNs(), sim.sampleIntervalNs(), sim.warmupNs());
  }

  @Override
  public int id() {
    return layout.cpuLp(cpu);
  }

  @Override
  public void start(LpContext ctx) {
    nextTick = sim.tickNs();
    ctx.schedule(sim.tickNs(), new Tick());
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
    long margin = plan.immediateSends() ? 0
        : Math.min(cost.trapNs(), Math.min(cost.syscallNs(), cost.contextSwitchNs()));
    long bound = stepAt;
    if (running != null) {
      bound = Math.min(bound, nextTick);
    }
    for (SimThread t : sleeping.values()) {
      bound = Math.min(bound, t.wakeAt);
    }
    return Math.max(nextEventTime, bound == Long.MAX_VALUE ? bound : bound + margin);
  }

  @Override
  public void handle(SimMessage message, int sourceLp, LpContext ctx) {
    if (message instanceof StepDone s) {
      if (s.gen() == gen) {
        stepAt = Long.MAX_VALUE;
        onStepDone(s.step(), ctx);
      }
    } else if (message instanceof SpinDone s) {
      if (spinning && s.gen() == spinGen) {
        endSpin(ctx.now());
      }
    } else if (message instanceof LockContended c) {
      if (c.lockClass() == LockClass.TOKEN) {
        meter.add(CpuCounter.TOKEN_CONTENDED, 1, ctx.now());
      }
      startSpin(c.lockClass(), c.waitNs(), ctx);
    } else if (message instanceof ObjectLockGranted g) {
      onGranted(g, ctx);
    } else if (message instanceof PageAllocated p) {
      onPageAllocated(p, ctx);
    } else if (message instanceof UmtxUserDone u) {
      endSpinIfAny(ctx);
      cowDone(u.cowNs(), u.cowIpis(), ctx);
      if (waitingStep instanceof KStep.Poke) {
        waitingStep = null;
        nextKStep(ctx);
      } else {
        onUserDone(u, ctx);
      }
    } else if (message instanceof CowInvalidate) {
      meter.add(CpuCounter.IPIS_RECEIVED, 1, ctx.now());
      meter.add(CpuCounter.TLB_INVALIDATIONS, 1, ctx.now());
      tlbInvalidated(ctx.now());
    } else if (message instanceof StaleMapping) {
      if (staleSince < 0) {
        staleSince = ctx.now();
      }
    } else if (message instanceof UmtxSleepDone u) {
      onUmtxSleepDone(u, ctx);
    } else if (message instanceof UmtxWakeDone u) {
      meter.add(CpuCounter.IPIS_SENT, u.ipis(), ctx.now());
      cowDone(u.cowNs(), u.cowIpis(), ctx);
      if (u.lost()) {
        meter.add(CpuCounter.UMTX_LOST_WAKEUPS, 1, ctx.now());
      }
      if (waitingStep instanceof KStep.UmtxWake) {
        waitingStep = null;
        nextKStep(ctx);
      }
    } else if (message instanceof PageActivated) {
      endSpinIfAny(ctx);
      waitingStep = null;
      nextKStep(ctx);
    } else if (message instanceof ObjectPageBusy b) {
      onPageBusy(b, ctx);
    } else if (message instanceof ObjectRefDone r) {
      onRefDone(r, ctx);
    } else if (message instanceof PageHashResult h) {
      onHashResult(h, ctx);
    } else if (message instanceof ZoneAllocated) {
      endSpinIfAny(ctx);
      releaseFault(faultPfn, cost.pmapEnterNs(), ctx);
    } else if (message instanceof TokenGranted g) {
      onTokenGranted(g, ctx);
    } else if (message instanceof TokenFailed f) {
      onTokenFailed(f, ctx);
    } else if (message instanceof Tick) {
      onTick(ctx);
    } else if (message instanceof Wakeup w) {
      onWakeup(w, ctx);
    } else if (message instanceof TlbShootdown d) {
      onShootdown(d, ctx);
    } else if (message instanceof TlbAck a) {
      onTlbAck(ctx);
    } else if (message instanceof IpiWakeup w) {
      meter.add(CpuCounter.IPIS_RECEIVED, 1, ctx.now());
      wakeup(w.tid(), ctx);
    } else if (message instanceof ThreadStart s) {
      onThreadStart(s.spec(), ctx);
    } else {
      throw new IllegalStateException("CPU " + cpu + " cannot handle " + message);
    }
  }

  @Override
  public void finish(long endTime, RunMetrics metrics) {
    tlbInvalidated(endTime);
    meter.finish(endTime);
    metrics.addCpu(meter);
    for (LockClass c : LockClass.values()) {
      metrics.contention(c).waitNs += waitByClass[c.ordinal()];
    }
    metrics.contention(LockClass.PMAP_INTERLOCK).add(interlockStats);
  }

  @Override
  public void observe(long nowNs, dfsim.core.metrics.LiveCpus out) {
    out.addMeter(meter, nowNs);
    if (staleSince >= 0 && nowNs > staleSince) {
      // finish() closes an open stale window at the end; a live view counts it up to now
      out.addToCpu(cpu, CpuCounter.STALE_MAPPING_NS, nowNs - staleSince);
    }
  }

  /** Returns this CPU's meter (for tests). */
  public CpuMeter meter() {
    return meter;
  }

  // --- scheduling (lwkt_thread.c) ---

  private void onThreadStart(ThreadSpec spec, LpContext ctx) {
    SimThread t = new SimThread(spec, programs.create(spec));
    threads.put(spec.tid(), t);
    makeRunnable(t, ctx);
  }

  /** wakeup() on this CPU: run a blocked thread, or leave the wakeup pending for its next block. */
  private void wakeup(int tid, LpContext ctx) {
    SimThread t = blocked.remove(tid);
    if (t != null) {
        makeRunnable(t, ctx);
    } else if (threads.containsKey(tid)) {
      threads.get(tid).pendingWakeups++;
    }
  }

  private void onWakeup(Wakeup w, LpContext ctx) {
    SimThread t = sleeping.remove(w.tid());
    makeRunnable(t, ctx);
  }

  /** lwkt_schedule(): queue {@code t}; run it now if the CPU idles or it outranks the runner. */
  private void makeRunnable(SimThread t, LpContext ctx) {
    runq.enqueue(t);
    if (tokenPhase == TokenPhase.POLL) {
      // The skip loop rescans every pass: it sees the new thread at once.
      cancelPolls(ctx);
      lwktSwitch(ctx);
    } else if (tokenPhase == TokenPhase.SWITCH_TRY) {
      rescan = true;
    } else if (running == null) {
      lwktSwitch(ctx);
    } else if (t.priority() > running.priority()) {
      needResched = true;
      preemptCompute(ctx);
    }
  }

  /**
   * The hardclock tick. strict-rr (lwkt_schedulerclock() from 85946b6c): the running head moves
   * behind its equal-priority peers and a resched is asked if it did; a running thread that is not
   * the head (the head was token-blocked) is resched every tick. fairq (before): hardclock asks a
   * resched every tick unconditionally; the head still rotates among equals, standing in for the
   * fairq accounting that shared the CPU.
   */
  private void onTick(LpContext ctx) {
    nextTick = ctx.now() + sim.tickNs();
    ctx.schedule(sim.tickNs(), new Tick());
    if (running == null || tokenPhase == TokenPhase.SWITCH_TRY || tokenPhase == TokenPhase.POLL) {
      return;
    }
    if (runq.head() == running) {
      if (runq.rotateHead()) {
        needResched = true;
      }
    } else {
      needResched = true;
    }
    if (lwkt.scheduler() == LwktSettings.Scheduler.FAIRQ) {
      needResched = true;
    }
    preemptCompute(ctx);
  }

  /**
   * User computation is preempted at once when a resched is pending (the AST on the way back to
   * user mode); kernel threads (priority >= TDPRI_KERN_LPSCHED) switch only at their next yield
   * point, the end of the current operation.
   */
  private void preemptCompute(LpContext ctx) {
    if (needResched && computing && running.priority() < LwktSettings.TDPRI_KERN_LPSCHED) {
      running.computeLeftNs -= ctx.now() - running.computeStart;
      computing = false;
      gen++;
      stepAt = Long.MAX_VALUE;
      lwktSwitch(ctx);
    }
  }

  /**
   * lwkt_switch() (sys/kern/lwkt_thread.c at 85946b6c): release the outgoing thread's tokens,
   * then take the first candidate whose tokens can be had: the head alone under fairq, the head
   * and then each following thread of priority >= TDPRI_KERN_LPSCHED under strict-rr. If none,
   * the skip loop spins retrying them (polling their tokens) until one wins or a thread arrives.
   */
  private void lwktSwitch(LpContext ctx) {
    needResched = false;
    SimThread out = running;
    if (out != null && out.heldToken >= 0) {
      int token = out.heldToken;
      releaseToken(out, ctx);
      out.wantToken = token;
    }
    scan(ctx);
  }

  private void scan(LpContext ctx) {
    rescan = false;
    candidates.clear();
    runq.forEachFromHead(t -> {
      if (candidates.isEmpty() || (lwkt.scheduler() == LwktSettings.Scheduler.STRICT_RR
          && t.priority() >= LwktSettings.TDPRI_KERN_LPSCHED)) {
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
    tokenPhase = TokenPhase.SWITCH_TRY;
    meter.enter(CpuState.BUSY, ctx.now());
    sendTokenTry(c, ctx);
  }

  /** Every candidate is contended (or none is runnable): spin in the skip loop, or idle. */
  private void skip(LpContext ctx) {
    if (rescan) {
      scan(ctx);
      return;
    }
    tokenPhase = TokenPhase.NONE;
    if (candidates.isEmpty()) {
      choose(null, ctx);
      return;
    }
    tokenPhase = TokenPhase.POLL;
    polled.clear();
    polledRequests.clear();
    for (SimThread c : candidates) {
      if (c.wantToken >= 0) {
        polled.add(c);
        polledRequests.add(++tokenRequest);
        int home = layout.tokenHomeLp(c.wantToken);
        ctx.send(home, ctx.latencyTo(home),
            new TokenPoll(c.wantToken, cpu, c.spec.tid(), lwkt.tokenSpin(), lwkt.tokenDelayNs(), tokenRequest));
      }
    }
    startSpin(LockClass.TOKEN, -1, ctx);
  }

  private void cancelPolls(LpContext ctx) {
    for (int i = 0; i < polled.size(); i++) {
      SimThread c = polled.get(i);
      int home = layout.tokenHomeLp(c.wantToken);
      ctx.send(home, ctx.latencyTo(home), new TokenPollCancel(c.wantToken, cpu, c.spec.tid(), polledRequests.get(i)));
    }
    polled.clear();
    polledRequests.clear();
    tokenPhase = TokenPhase.NONE;
    endSpinIfAny(ctx);
  }

  /** Switches to {@code next} (null: the idle thread), or goes on with the running thread. */
  private void choose(SimThread next, LpContext ctx) {
    tokenPhase = TokenPhase.NONE;
    if (rescan && next != null && runq.head() != null && runq.head().priority() > next.priority()) {
      // A thread that arrived during the token tries outranks the winner: resched at its first chance.
      needResched = true;
    }
    rescan = false;
    long now = ctx.now();
    if (next == running) {
      if (running == null) {
        meter.enter(CpuState.IDLE, now);
      } else {
        continueThread(ctx);
      }
      return;
    }
    meter.add(CpuCounter.CONTEXT_SWITCHES, 1, now);
    running = next;
    gen++;
    stepAt = Long.MAX_VALUE;
    if (next == null) {
      meter.enter(CpuState.IDLE, now);
      return;
    }
    meter.enter(CpuState.BUSY, now);
    step(cost.contextSwitchNs(), Step.SWITCH, ctx);
  }

  // --- tokens (lwkt_token.c) ---

  private void sendTokenTry(SimThread t, LpContext ctx) {
    int home = layout.tokenHomeLp(t.wantToken);
    ctx.send(home, ctx.latencyTo(home),
        new TokenTry(t.wantToken, cpu, t.spec.tid(), lwkt.tokenSpin(), lwkt.tokenDelayNs(), ++tokenRequest));
  }

  /** lwkt_gettoken() by the running thread. */
  private void getToken(SimThread t, int token, LpContext ctx) {
    if (t.heldToken >= 0) {
      throw new SimulationFailure("thread " + t.spec.tid() + " asked for token " + token + " holding token "
          + t.heldToken + ": the model lets a thread hold one token at a time");
    }
    t.wantToken = token;
    tokenPhase = TokenPhase.GET;
    meter.enter(CpuState.BUSY, ctx.now());
    sendTokenTry(t, ctx);
  }

  private void onTokenGranted(TokenGranted g, LpContext ctx) {
    SimThread t = expectedGrant(g);
    if (t == null) {
      // A poll grant that crossed our cancel: the home took the cancel as a release.
      return;
    }
    endSpinIfAny(ctx);
    long now = ctx.now();
    meter.add(CpuCounter.TOKEN_ACQUIRES, 1, now);
    meter.add(CpuCounter.TOKEN_TRIES, Math.max(1, g.tries()), now);
    TokenPhase phase = tokenPhase;
    if (phase == TokenPhase.POLL) {
      int i = polled.indexOf(t);
      polled.remove(i);
      polledRequests.remove(i);
      cancelPolls(ctx);
    }
    tokenPhase = TokenPhase.NONE;
    gotToken(t);
    if (phase == TokenPhase.GET) {
      continueThread(ctx);
    } else {
      choose(t, ctx);
    }
  }

  /**
   * Returns the thread a grant answers, or null for a grant to a cancelled poll (whose token the
   * home already took back on the cancel). Replies are matched by request number, never by
   * thread and token alone: a new request for the same thread and token may be in flight.
   */
  private SimThread expectedGrant(TokenGranted g) {
    switch (tokenPhase) {
      case GET:
        return g.request() == tokenRequest ? running : null;
      case SWITCH_TRY:
        return g.request() == tokenRequest ? candidates.get(candidate) : null;
      case POLL:
        int i = polledRequests.indexOf(g.request());
        return i < 0 ? null : polled.get(i);
      default:
        return null;
    }
  }

  private void onTokenFailed(TokenFailed f, LpContext ctx) {
    if (f.request() != tokenRequest || (tokenPhase != TokenPhase.GET && tokenPhase != TokenPhase.SWITCH_TRY)) {
      throw new IllegalStateException("CPU " + cpu + " got a token failure for request " + f.request()
          + " in phase " + tokenPhase + " (current request " + tokenRequest + ")");
    }
    endSpinIfAny(ctx);
    meter.add(CpuCounter.TOKEN_TRIES, f.tries(), ctx.now());
    if (tokenPhase == TokenPhase.GET) {
      // lwkt_gettoken() gave up: the thread stays on the run queue and lwkt_switch() must win
      // the token for it before it runs again.
      tokenPhase = TokenPhase.NONE;
      lwktSwitch(ctx);
    } else {
      tryCandidate(candidate + 1, ctx);
    }
  }

  private void gotToken(SimThread t) {
    t.heldToken = t.wantToken;
    t.wantToken = -1;
  }

  private void releaseToken(SimThread t, LpContext ctx) {
    int home = layout.tokenHomeLp(t.heldToken);
    ctx.send(home, ctx.latencyTo(home), new TokenRelease(t.heldToken, cpu, t.spec.tid()));
    t.heldToken = -1;
  }

  /** Schedules the end of a step of CPU work in the current generation. */
  private void step(long ns, Step step, LpContext ctx) {
    stepAt = ctx.now() + ns;
    ctx.schedule(ns, new StepDone(gen, step));
  }

  private void onStepDone(Step step, LpContext ctx) {
    switch (step) {
      case SWITCH -> continueThread(ctx);
      case COMPUTE -> {
        computing = false;
        running.computeLeftNs = 0;
        opBoundary(ctx);
      }
      case FAULT_DONE -> {
        meter.record(Latency.FAULT, ctx.now() - running.faultStart);
        if (running.ksteps != null) {
          nextKStep(ctx);
        } else {
          opBoundary(ctx);
        }
      }
      case KSTEP -> nextKStep(ctx);
      case UNMAP_DONE -> opBoundary(ctx);
      case SHOOTDOWN_SENT -> startSpin(LockClass.TLB_SHOOTDOWN, -1, ctx);
      case ALLOC_DONE -> opBoundary(ctx);
    }
  }

  /** Between operations (a yield point): switch if a resched is pending, else go on. */
  private void opBoundary(LpContext ctx) {
    running.op = null;
    if (needResched) {
      lwktSwitch(ctx);
    } else {
      continueThread(ctx);
    }
  }

  /** Runs the current thread's program until it starts an operation that takes time. */
  private void continueThread(LpContext ctx) {
    SimThread t = running;
    long now = ctx.now();
    if (t.resumeKernel) {
      // Back from a umtx sleep: the rest of the call's kernel path. Time asleep and then
      // runnable but waiting for the CPU is not the call's kernel time.
      t.resumeKernel = false;
      t.umtxAsleepNs += now - t.asleepSince;
      meter.enter(CpuState.BUSY, now);
      nextKStep(ctx);
      return;
    }
    if (t.computeLeftNs > 0) {
      startCompute(t, ctx);
      return;
    }
    for (int i = 0; i < MAX_ZERO_TIME_OPS; i++) {
      Op op = t.program.next(now, ctx.random());
      t.op = op;
      if (!plan.immediateSends() && sendsAtOnce(op)) {
        // The CPU's send bound relies on the plan's word: a violation would let the actor engine
        // open windows that are too wide, so it is refused on every engine.
        throw new IllegalStateException("workload " + plan.kind() + " declares no immediate sends, but thread "
            + t.spec.tid() + " issued " + op.getClass().getSimpleName());
      }
      if (op instanceof Op.Compute c) {
        if (c.ns() > 0) {
          t.computeLeftNs = c.ns();
          startCompute(t, ctx);
          return;
        }
      } else if (op instanceof Op.Fault f) {
        startFault(t, f, ctx);
        return;
      } else if (op instanceof Op.Unmap u) {
        startUnmap(u, ctx);
        return;
      } else if (op instanceof Op.PtraceWrite w) {
        ptraceWrite(t, w, ctx);
        return;
      } else if (op instanceof Op.ForkThreaded f) {
        forkThreaded(t, f, ctx);
        return;
      } else if (op instanceof Op.UmtxCalls u) {
        meter.enter(CpuState.BUSY, now);
        t.mutexObject = u.object();
        t.mutexWord = u.mutex();
        // A value no mutex word holds: the sleep returns EBUSY at once.
        umtxCall(t, SimThread.MutexStep.PROBE_SLEEP, -1, ctx);
        return;
      } else if (op instanceof Op.MutexLock m) {
        meter.enter(CpuState.BUSY, now);
        startMutex(t, m.object(), m.mutex(), SimThread.MutexStep.LOCK_TRY, ctx);
        return;
      } else if (op instanceof Op.MutexUnlock m) {
        meter.enter(CpuState.BUSY, now);
        startMutex(t, m.object(), m.mutex(), SimThread.MutexStep.UNLOCK_DEC, ctx);
        return;
      } else if (op instanceof Op.Fork || op instanceof Op.Exec || op instanceof Op.ExitProcess
          || op instanceof Op.MapFault) {
        startProcessOp(t, op, ctx);
        return;
      } else if (op instanceof Op.AllocPage) {
        meter.enter(CpuState.BUSY, now);
        t.allocTry = 0;
        chooseColour(-1, t.allocCount++);
        requestPage(0, ctx);
        return;
      } else if (op instanceof Op.FreePages) {
        freeHeld(t, ctx);
      } else if (op instanceof Op.Sleep s) {
        block(t, s.ns(), ctx);
        return;
      } else if (op instanceof Op.Block) {
        if (t.pendingWakeups > 0) {
          t.pendingWakeups--;
        } else {
          runq.remove(t);
                blocked.put(t.spec.tid(), t);
          lwktSwitch(ctx);
          return;
        }
      } else if (op instanceof Op.Wakeup w) {
        if (plan.cpuOf(w.tid()) == cpu) {
          wakeup(w.tid(), ctx);
        } else {
          meter.add(CpuCounter.IPIS_SENT, 1, now);
          int sched = layout.schedulerLp(topo.socketOf(cpu));
          ctx.send(sched, ctx.latencyTo(sched), new WakeupRequest(w.tid(), cpu));
        }
      } else if (op instanceof Op.GetToken g) {
        getToken(t, g.token(), ctx);
        return;
      } else if (op instanceof Op.RelToken r) {
        if (t.heldToken != r.token()) {
          throw new SimulationFailure("thread " + t.spec.tid() + " released token " + r.token() + " it does not hold");
        }
        releaseToken(t, ctx);
      } else if (op instanceof Op.Begin b) {
        t.opStart = now;
      } else if (op instanceof Op.End e) {
        meter.opCompleted(e.name(), now - t.opStart, now);
      } else if (op instanceof Op.Exit) {
        runq.remove(t);
        threads.remove(t.spec.tid());
        lwktSwitch(ctx);
        return;
      }
    }
    throw new SimulationFailure("thread " + t.spec.tid() + " on CPU " + cpu + " made "
        + MAX_ZERO_TIME_OPS + " zero-time operations in a row: its program makes no progress");
  }

  /** Returns whether {@code op} sends a message the instant it starts (no trap, syscall or switch first). */
  private static boolean sendsAtOnce(Op op) {
    return op instanceof Op.GetToken || op instanceof Op.RelToken || op instanceof Op.Wakeup
        || op instanceof Op.AllocPage || op instanceof Op.FreePages;
  }

  private void startCompute(SimThread t, LpContext ctx) {
    meter.enter(CpuState.BUSY, ctx.now());
    computing = true;
    t.computeStart = ctx.now();
    step(t.computeLeftNs, Step.COMPUTE, ctx);
  }

  /** tsleep(): the thread leaves the run queue until its timeout. */
  private void block(SimThread t, long ns, LpContext ctx) {
    runq.remove(t);
    sleeping.put(t.spec.tid(), t);
    t.wakeAt = ctx.now() + ns;
    ctx.schedule(ns, new Wakeup(t.spec.tid()));
    lwktSwitch(ctx);
  }

  // --- the fault path (vm_fault.c, exclusive object lock) ---

  private void startFault(SimThread t, Op.Fault f, LpContext ctx) {
    long now = ctx.now();
    meter.enter(CpuState.BUSY, now);
    meter.add(CpuCounter.FAULTS, 1, now);
    t.faultStart = now;
    fFirst = f.objectId();
    fPindex = f.pindex();
    fShared = false;
    fBusy = false;
    fBacking = -1;
    fCopy = false;
    fPhase = FaultPhase.LEGACY;
    int home = layout.memoryLp(plan.homeOf(f.objectId(), topo));
    if (vm.faultQuick() && !f.write() && plan.objects().get(f.objectId()).file()) {
      // vm_fault_quick(): a read fault on a file's page (never OBJ_ONEMAPPING) tries the hash.
      ctx.send(home, cost.trapNs() + ctx.latencyTo(home), new PageHashLookup(f.objectId(), f.pindex(), cpu));
      return;
    }
    lockForFault(f, cost.trapNs(), ctx);
  }

  private void lockForFault(Op.Fault f, long afterNs, LpContext ctx) {
    faultLocked = true;
    int home = layout.memoryLp(plan.homeOf(f.objectId(), topo));
    ctx.send(home, afterNs + ctx.latencyTo(home),
        new ObjectLockRequest(f.objectId(), LockIntent.FAULT, f.pindex(), 1, cpu));
  }

  /**
   * vm_fault_quick()'s answer: a hit maps the soft-busied page and activates it without a lock
   * (vm_page_soft_activate()); a miss falls back to the object-locked vm_fault().
   */
  private void onHashResult(PageHashResult h, LpContext ctx) {
    Op.Fault f = (Op.Fault) running.op;

    if (h.pfn() >= 0) {
      meter.add(CpuCounter.VM_PAGE_HASH_HITS, 1, ctx.now());
      faultLocked = false;
      enterPmap(-1, cost.vmPageLookupNs(), ctx);
    } else {
      meter.add(CpuCounter.VM_PAGE_HASH_MISSES, 1, ctx.now());
      lockForFault(f, 0, ctx);
    }
  }

  private void onGranted(ObjectLockGranted g, LpContext ctx) {
    endSpinIfAny(ctx);
    if (waitingStep != null) {
      onStepGranted(g, ctx);
    } else if (g.intent() == LockIntent.UNMAP) {
      finishUnmap(g, ctx);
    } else if (fPhase != FaultPhase.LEGACY) {
      onChainGranted(g, ctx);
    } else if (g.residentPfn() >= 0) {
      // Another thread faulted the page in while this one waited: map it, nothing to allocate.
      enterPmap(-1, cost.vmPageLookupNs(), ctx);
    } else {
      allocateForFault(cost.vmPageLookupNs(), ctx);
    }
  }

  /** vm_page_alloc() for the fault's first object, after {@code afterNs}. */
  private void allocateForFault(long afterNs, LpContext ctx) {
    running.allocTry = 0;
    chooseColour(fFirst, fPindex);
    requestPage(afterNs, ctx);
  }

  /**
   * vm_page_alloc()'s colour for page {@code pindex} of an object, and where its pages are.
   * object (before 85946b6c): colour = object colour + pindex, the object colour advancing by
   * PQ_L2_SIZE/3 + PQ_PRIME1 per object; unrelated to the CPU, so a colour's pages come from
   * any node (here node colour mod nodes first). cpu-local (vm_get_pg_color() at e3c330f0): the
   * CPU's run of colours by socket, core and thread, plus (pindex + object colour) within it,
   * from the CPU's own node first.
   */
  private void chooseColour(int objectId, int pindex) {
    int l2 = vm.pqL2Size();
    // An object-less allocation (objectId < 0) has object colour 0.
    int objectColour = vm.objectColour(objectId);
    int[] near = topo.nodesByDistance(cpu);
    if (vm.pageColor() == VmPageSettings.PageColor.OBJECT) {
      allocColour = (objectColour + pindex) & (l2 - 1);
      int first = allocColour % topo.nodes();
      allocOrder = new int[near.length];
      allocOrder[0] = first;
      int i = 1;
      for (int n : near) {
        if (n != first) {
          allocOrder[i++] = n;
        }
      }
      return;
    }
    int physScale = Math.max(1, l2 / topo.sockets());
    int grpScale = Math.max(1, physScale / topo.coresPerSocket());
    int cpuScale = Math.max(1, grpScale / topo.threadsPerCore());
    int coreInSocket = topo.coreOf(cpu) % topo.coresPerSocket();
    allocColour = (topo.socketOf(cpu) * physScale + coreInSocket * grpScale + topo.threadOf(cpu) * cpuScale
        + (pindex + objectColour) % cpuScale) & (l2 - 1);
    allocOrder = near;
  }

  /** vm_page_alloc(): ask the next node in order for a free page of the chosen colour. */
  private void requestPage(long afterNs, LpContext ctx) {
    int[] order = allocOrder;
    if (running.allocTry >= order.length) {
      throw new SimulationFailure("out of simulated memory: every node's free pages are in use "
          + "(raise topology.memory-per-node or lower the workload's footprint)");
    }
    int lp = layout.memoryLp(order[running.allocTry]);
    ctx.send(lp, afterNs + ctx.latencyTo(lp), new PageAlloc(cpu, allocColour));
  }

  private void onPageAllocated(PageAllocated p, LpContext ctx) {
    endSpinIfAny(ctx);
    meter.add(CpuCounter.PAGE_ALLOC_SCAN_STEPS, p.scanSteps(), ctx.now());
    if (p.pfn() < 0) {
      running.allocTry++;
      requestPage(0, ctx);
      return;
    }
    long now = ctx.now();
    meter.add(CpuCounter.PAGE_ALLOCS, 1, now);
    int node = topo.nodeOfPfn(p.pfn());
    if (running.op instanceof Op.AllocPage) {
      // An object-less allocation: no zeroing, no mapping; the thread keeps the page.
      if (topo.dieOfNode(node) != topo.dieOf(cpu)) {
        meter.add(CpuCounter.REMOTE_PAGES, 1, now);
      }
      running.held.add(p.pfn());
      step(0, Step.ALLOC_DONE, ctx);
      return;
    }
    long zero = fCopy ? cost.pageCopyNs() : cost.pageZeroNs();
    if (topo.dieOfNode(node) != topo.dieOf(cpu)) {
      meter.add(CpuCounter.REMOTE_PAGES, 1, now);
      // Zeroing or copying streams the page through DRAM: a remote page costs the remote/local
      // ratio more.
      zero = zero * topo.latencies().dramRemoteNs() / Math.max(1, topo.latencies().dramLocalNs());
    }
    enterPmap(p.pfn(), zero, ctx);
  }

  /**
   * pmap_enter() after {@code beforeNs} of work: it needs a pv entry, zalloc(pvzone). With
   * per-CPU caches it comes from this CPU's list when that has one (no lock); otherwise from the
   * global list under the zone spinlock, at node 0.
   */
  private void enterPmap(int pfn, long beforeNs, LpContext ctx) {
    meter.add(CpuCounter.ZONE_ALLOCS, 1, ctx.now());
    if (zone.pcpuCache() && pvPcpu > 0) {
      pvPcpu--;
      releaseFault(pfn, beforeNs + cost.zonePcpuNs() + cost.pmapEnterNs(), ctx);
      return;
    }
    faultPfn = pfn;
    int home = layout.memoryLp(0);
    ctx.send(home, beforeNs + ctx.latencyTo(home), new ZoneAlloc(cpu));
  }

  /**
   * After {@code workNs} of zeroing or copying and pmap_enter(), drop the backing object's shared
   * hold and the first object's token (inserting the new page) if held, and return.
   */
  private void releaseFault(int pfn, long workNs, LpContext ctx) {
    if (fBacking >= 0) {
      int home = homeLp(fBacking);
      ctx.send(home, workNs + ctx.latencyTo(home),
          new ObjectLockRelease(fBacking, fBackingPindex, -1, cpu, true, 0, true));
      fBacking = -1;
    }
    if (faultLocked) {
      int home = homeLp(fFirst);
      ctx.send(home, workNs + ctx.latencyTo(home),
          new ObjectLockRelease(fFirst, fPindex, pfn, cpu, fShared, 0, fBusy));
    }
    step(workNs, Step.FAULT_DONE, ctx);
  }

  private int homeLp(int objectId) {
    return layout.memoryLp(plan.homeOf(objectId, topo));
  }

  // --- fork, exec, exit and their faults (501747bf): kernel steps run in order ---

  private void startProcessOp(SimThread t, Op op, LpContext ctx) {
    meter.enter(CpuState.BUSY, ctx.now());
    t.newKSteps();
    if (op instanceof Op.Fork) {
      t.parentSpace = t.space;
      t.space = processVm.fork(t.space, t.ksteps);
    } else if (op instanceof Op.Exec x) {
      t.space = processVm.exec(t.space, x.image(), t.ksteps);
    } else if (op instanceof Op.ExitProcess) {
      if (t.parentSpace == null) {
        throw new SimulationFailure("thread " + t.spec.tid() + " exits a process it never forked");
      }
      processVm.exit(t.space, t.ksteps);
      t.space = t.parentSpace;
      t.parentSpace = null;
    } else {
      mapFault(t, (Op.MapFault) op);
    }
    nextKStep(ctx);
  }

  /**
   * The steps of a fault on the running image: which objects, and for a first write to the data
   * segment, vm_object_shadow() of the vnode object first (old: under its exclusive token, on
   * its shadow list; new: lockless references, no list).
   */
  private void mapFault(SimThread t, Op.MapFault f) {
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
    int vnode = s.image.vnodeObject();
    if (f.segment().fileBacked()) {
      int vpage = s.image.filePage(f.segment()) + f.page();
      if (e.onVnode && f.write()) {
        int shadow = newObject();
        if (vmFault.shared()) {
          t.ksteps.add(new KStep.Ref(vnode, +1, cost.atomicNs()));
          t.ksteps.add(new KStep.Work(cost.vmObjectAllocNs()));
          t.ksteps.add(new KStep.Ref(vnode, -1, cost.atomicNs()));
        } else {
          t.ksteps.add(new KStep.Hold(vnode, false, cost.vmObjectAllocNs() + 2 * cost.atomicNs() + cost.vmMapEntryNs(), 0));
        }
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
        t.ksteps.add(new KStep.Work(cost.vmObjectAllocNs()));
      }
      t.ksteps.add(new KStep.Fault(KStep.FaultKind.ZERO_FILL, e.object, f.page(), -1, 0));
    }
    e.mapped.set(f.page());
    if (f.write()) {
      e.writable.set(f.page());
    }
  }

  private int newObject() {
    return dfsim.core.program.VmObjectSpec.dynamicId(cpu, objectsCreated++, topo.cpus());
  }

  /** Runs the next kernel step of the running thread, or ends its operation. */
  private void nextKStep(LpContext ctx) {
    SimThread t = running;
    KStep k = t.ksteps.poll();
    if (k == null) {
      t.ksteps = null;
      if (t.mutex != SimThread.MutexStep.NONE) {
        afterUmtxCall(t, ctx);
      } else {
        opBoundary(ctx);
      }
      return;
    }
    if (k instanceof KStep.Work w) {
      step(w.ns(), Step.KSTEP, ctx);
    } else if (k instanceof KStep.Hold h) {
      waitingStep = h;
      ctx.send(homeLp(h.object()), ctx.latencyTo(homeLp(h.object())), new ObjectLockRequest(h.object(),
          LockIntent.HOLD, 0, 0, cpu, h.shared(), PageBusy.NONE));
    } else if (k instanceof KStep.Ref r) {
      waitingStep = r;
      ctx.send(homeLp(r.object()), ctx.latencyTo(homeLp(r.object())), new ObjectRef(r.object(), r.delta(), cpu));
    } else if (k instanceof KStep.Terminate x) {
      waitingStep = x;
      ctx.send(homeLp(x.object()), ctx.latencyTo(homeLp(x.object())),
          new ObjectLockRequest(x.object(), LockIntent.TERMINATE, 0, 0, cpu));
    } else if (k instanceof KStep.RemovePtes r) {
      int local = pvFreesToOwnList(r.ptes());
      long work = r.ptes() * cost.pmapRemoveNs() + local * cost.zonePcpuNs() + cost.tlbFlushNs();
      if (r.ptes() > local) {
        ctx.send(layout.memoryLp(0), work + ctx.latencyTo(layout.memoryLp(0)), new ZoneFree(cpu, r.ptes() - local));
      }
      meter.add(CpuCounter.TLB_INVALIDATIONS, 1, ctx.now());
      tlbInvalidated(ctx.now());
      step(work, Step.KSTEP, ctx);
    } else if (k instanceof KStep.Protect p) {
      tlbInvalidated(ctx.now());
      meter.add(CpuCounter.TLB_INVALIDATIONS, p.ptes(), ctx.now());
      long each = cost.pmapRemoveNs() + interlock() + cost.invlpgNs();
      for (int i = 1; i < p.ptes(); i++) {
        interlock();
      }
      step(p.ptes() * each, Step.KSTEP, ctx);
    } else if (k instanceof KStep.Switch) {
      meter.add(CpuCounter.CONTEXT_SWITCHES, 1, ctx.now());
      step(cost.contextSwitchNs(), Step.KSTEP, ctx);
    } else if (k instanceof KStep.Fault f) {
      startChainFault(f, ctx);
    } else if (k instanceof KStep.Acquire a) {
      waitingStep = a;
      ctx.send(homeLp(a.object()), ctx.latencyTo(homeLp(a.object())), new ObjectLockRequest(a.object(),
          LockIntent.HOLD, 0, 0, cpu, a.shared(), PageBusy.NONE));
    } else if (k instanceof KStep.Release r) {
      ctx.send(homeLp(r.object()), ctx.latencyTo(homeLp(r.object())),
          new ObjectLockRelease(r.object(), -1, -1, cpu, r.shared(), 0, false));
      nextKStep(ctx);
    } else if (k instanceof KStep.Atomic a) {
      waitingStep = a;
      ctx.send(homeLp(a.object()), ctx.latencyTo(homeLp(a.object())), new ObjectRef(a.object(), 0, cpu));
    } else if (k instanceof KStep.Activate a) {
      waitingStep = a;
      int lp = layout.memoryLp(a.node());
      ctx.send(lp, ctx.latencyTo(lp), new PageActivate(cpu, a.colour()));
    } else if (k instanceof KStep.UmtxSleep u) {
      waitingStep = u;
      meter.enter(CpuState.SPIN, ctx.now());
      long timeout = umtx.ptmap() ? umtx.timeoutMaxNs() : 0;
      ctx.send(homeLp(u.object()), ctx.latencyTo(homeLp(u.object())), new dfsim.core.protocol.UmtxSleep(cpu,
          t.spec.tid(), u.object(), u.mutex(), u.expected(), timeout, umtx.delayNs(), !umtx.ptmap()));
    } else if (k instanceof KStep.Poke p) {
      waitingStep = p;
      ctx.send(homeLp(p.object()), ctx.latencyTo(homeLp(p.object())), new UmtxUser(cpu, p.object(), -1, UmtxUser.Op.POKE));
    } else if (k instanceof KStep.UmtxWake u) {
      ctx.send(homeLp(u.object()), ctx.latencyTo(homeLp(u.object())), new UmtxWake(cpu, u.object(), u.mutex(), u.count(),
          !umtx.ptmap()));
      if (umtx.ptmap()) {
        // _wakeup() dequeues local sleepers and IPIs the other CPUs with sleepers on the key; it
        // waits for nobody. (fault-page waits: its page resolution is the round trip.)
        nextKStep(ctx);
      } else {
        waitingStep = u;
      }
    }
  }

  // --- userland mutexes and umtx (sys/kern/kern_umtx.c, afd7f124) ---

  /**
   * fork() of a threaded process whose private page {@code object} holds its mutexes
   * (vmspace_fork(): the page's PTE write-protected; the child exits at once and is not
   * simulated). The page's home learns that it is now copy-on-write and, from afd7f124 (the
   * ptmap kernel), wakes the process's umtx sleepers.
   */
  private void forkThreaded(SimThread t, Op.ForkThreaded f, LpContext ctx) {
    meter.enter(CpuState.BUSY, ctx.now());
    long work = cost.syscallNs() + cost.vmMapEntryNs() + cost.pmapRemoveNs() + interlock() + cost.invlpgNs();
    tlbInvalidated(ctx.now());
    int home = homeLp(f.object());
    ctx.send(home, work + ctx.latencyTo(home), new dfsim.core.protocol.UmtxFork(cpu, f.object(), umtx.ptmap()));
    t.newKSteps();
    t.ksteps.add(new KStep.Work(work));
    nextKStep(ctx);
  }

  /**
   * procfs_rwmem()/ptrace PT_WRITE into another process's page: vm_fault_page() on that process's
   * map (its map and object tokens), the store (a COW if the page is shared since a fork), and,
   * with enter-pmap, pmap_enter() into that process's pmap from this CPU, outside its pm_active.
   */
  private void ptraceWrite(SimThread t, Op.PtraceWrite w, LpContext ctx) {
    meter.enter(CpuState.BUSY, ctx.now());
    t.newKSteps();
    t.ksteps.add(new KStep.Work(cost.syscallNs()));
    KStep poke = new KStep.Poke(w.object());
    if (vmFault.enterPmap()) {
      vmFaultPage(t.ksteps, w.object(), cost.vmPageLookupNs(), poke, new KStep.Work(cost.pmapEnterNs()));
    } else {
      vmFaultPage(t.ksteps, w.object(), cost.vmPageLookupNs(), poke);
    }
    nextKStep(ctx);
  }

  /**
   * vm_fault_page() on {@code object}'s page: under the process's map token and the object's
   * token, both exclusive, {@code lookupNs} of lookup and then {@code underLocks}.
   */
  private void vmFaultPage(java.util.Deque<KStep> steps, int object, long lookupNs, KStep... underLocks) {
    int map = plan.mapTokenOf(object);
    steps.add(new KStep.Acquire(map, false));
    steps.add(new KStep.Acquire(object, false));
    steps.add(new KStep.Work(lookupNs));
    steps.addAll(java.util.List.of(underLocks));
    steps.add(new KStep.Release(object, false));
    steps.add(new KStep.Release(map, false));
  }

  private void startMutex(SimThread t, int object, int mutex, SimThread.MutexStep step, LpContext ctx) {
    t.mutexObject = object;
    t.mutexWord = mutex;
    t.mutex = step;
    userAtomic(t, step == SimThread.MutexStep.UNLOCK_DEC ? UmtxUser.Op.DEC : UmtxUser.Op.CMPXCHG_0_1, ctx);
  }

  private void userAtomic(SimThread t, UmtxUser.Op op, LpContext ctx) {
    int home = homeLp(t.mutexObject);
    ctx.send(home, ctx.latencyTo(home), new UmtxUser(cpu, t.mutexObject, t.mutexWord, op));
  }

  /** The mutex word's old value: acquired, released, or a umtx call to make (libthread_xu's umtx). */
  private void onUserDone(UmtxUserDone u, LpContext ctx) {
    SimThread t = running;
    switch (t.mutex) {
      case LOCK_TRY -> {
        if (u.old() == 0) {
          mutexDone(t, ctx);
        } else if (u.old() != 2) {
          t.mutex = SimThread.MutexStep.LOCK_XCHG;
          userAtomic(t, UmtxUser.Op.XCHG_2, ctx);
        } else {
          umtxCall(t, SimThread.MutexStep.SLEEP_CALL, 2, ctx);
        }
      }
      case LOCK_XCHG -> {
        if (u.old() == 0) {
          mutexDone(t, ctx);
        } else {
          umtxCall(t, SimThread.MutexStep.SLEEP_CALL, 2, ctx);
        }
      }
      case UNLOCK_DEC -> {
        if (u.old() == 1) {
          mutexDone(t, ctx);
        } else {
          umtxCall(t, SimThread.MutexStep.WAKE_CALL, 0, ctx);
        }
      }
      default -> throw new IllegalStateException("CPU " + cpu + " got a mutex word in step " + t.mutex);
    }
  }

  private void mutexDone(SimThread t, LpContext ctx) {
    t.mutex = SimThread.MutexStep.NONE;
    opBoundary(ctx);
  }

  /**
   * umtx_sleep(word, 2) or umtx_wakeup(word, 1). fault-page: vm_fault_page_quick() under the
   * process's map token and the object's token, both exclusive, holding the page (an atomic on
   * its vm_page, which every thread using the mutex shares) and activating it under its page
   * queue's spinlock; the hold is dropped when the call returns. ptmap: fuword() and a PTE read
   * through the PTmap self-map, with no lock.
   */
  private void umtxCall(SimThread t, SimThread.MutexStep call, int expected, LpContext ctx) {
    boolean sleep = call == SimThread.MutexStep.SLEEP_CALL || call == SimThread.MutexStep.PROBE_SLEEP;
    t.mutex = call;
    t.umtxStart = ctx.now();
    t.umtxAsleepNs = 0;
    t.newKSteps();
    int object = t.mutexObject;
    if (umtx.ptmap()) {
      t.ksteps.add(new KStep.Work(cost.syscallNs() + cost.vmPageLookupNs()));
    } else {
      int page = t.mutexWord / 1024;
      t.ksteps.add(new KStep.Work(cost.syscallNs()));
      vmFaultPage(t.ksteps, object, cost.vmPageLookupNs() + (vmFault.enterPmap() ? cost.pmapEnterNs() : 0),
          new KStep.Atomic(object), new KStep.Activate(plan.homeOf(object, topo), vm.objectColour(object) + page));
    }
    t.ksteps.add(sleep ? new KStep.UmtxSleep(object, t.mutexWord, expected) : new KStep.UmtxWake(object, t.mutexWord, 1));
    if (!umtx.ptmap()) {
      t.ksteps.add(new KStep.Atomic(object));
    }
    nextKStep(ctx);
  }

  /** The umtx call returned: its kernel time, asleep time excluded; then the mutex goes on. */
  private void afterUmtxCall(SimThread t, LpContext ctx) {
    long kernelNs = ctx.now() - t.umtxStart - t.umtxAsleepNs;
    boolean sleep = t.mutex == SimThread.MutexStep.SLEEP_CALL || t.mutex == SimThread.MutexStep.PROBE_SLEEP;
    if (sleep) {
      meter.add(CpuCounter.UMTX_SLEEPS, 1, ctx.now());
      meter.record(Latency.UMTX_SLEEP, kernelNs);
      meter.opCompleted("umtx_sleep", kernelNs, ctx.now());
    } else {
      meter.add(CpuCounter.UMTX_WAKEUPS, 1, ctx.now());
      meter.opCompleted("umtx_wakeup", kernelNs, ctx.now());
    }
    switch (t.mutex) {
      case SLEEP_CALL -> {
        t.mutex = SimThread.MutexStep.LOCK_XCHG;
        userAtomic(t, UmtxUser.Op.XCHG_2, ctx);
      }
      case PROBE_SLEEP -> umtxCall(t, SimThread.MutexStep.PROBE_WAKE, 0, ctx);
      default -> mutexDone(t, ctx);
    }
  }

  /** The sleep's outcome: the word changed, the thread sleeps, or it was woken or timed out. */
  private void onUmtxSleepDone(UmtxSleepDone u, LpContext ctx) {
    SimThread t = threads.get(u.tid());
    long now = ctx.now();
    switch (u.outcome()) {
      case BUSY -> {
        cowDone(u.cowNs(), u.cowIpis(), ctx);
        // Still on the CPU, polling: the call returns EBUSY.
        waitingStep = null;
        meter.enter(CpuState.BUSY, now);
        nextKStep(ctx);
      }
      case SLEEPING -> {
        cowDone(u.cowNs(), u.cowIpis(), ctx);
        waitingStep = null;
        t.asleepSince = now;
        runq.remove(t);
        umtxAsleep.put(t.spec.tid(), t);
        lwktSwitch(ctx);
      }
      case WOKEN, TIMEDOUT -> {
        if (u.outcome() == UmtxSleepDone.Outcome.TIMEDOUT) {
          meter.add(CpuCounter.UMTX_TIMEOUTS, 1, now);
        }
        if (u.ipi()) {
          meter.add(CpuCounter.IPIS_RECEIVED, 1, now);
        }
        if (umtxAsleep.remove(t.spec.tid()) == null) {
          throw new IllegalStateException("CPU " + cpu + ": umtx wakeup of thread " + t.spec.tid() + ", which is not asleep");
        }
        t.resumeKernel = true;
        makeRunnable(t, ctx);
      }
    }
  }

  /** A kernel step's token was granted: do its work under it, then release. */
  private void onStepGranted(ObjectLockGranted g, LpContext ctx) {
    KStep k = waitingStep;
    waitingStep = null;
    int home = homeLp(g.objectId());
    if (k instanceof KStep.Acquire) {
      nextKStep(ctx);
    } else if (k instanceof KStep.Hold h) {
      ctx.send(home, h.workNs() + ctx.latencyTo(home),
          new ObjectLockRelease(h.object(), -1, -1, cpu, h.shared(), h.refDelta(), false));
      step(h.workNs(), Step.KSTEP, ctx);
    } else if (k instanceof KStep.Terminate x) {
      int[] pages = g.removed();
      long work = cost.atomicNs() + pages.length * cost.vmPageFreeNs();
      sendFrees(pages, work, ctx);
      ctx.send(home, work + ctx.latencyTo(home), new ObjectLockRelease(x.object(), -1, -1, cpu, false, -1, false));
      step(work, Step.KSTEP, ctx);
    } else {
      throw new IllegalStateException("CPU " + cpu + " got a grant for step " + k);
    }
  }

  private void onRefDone(ObjectRefDone r, LpContext ctx) {
    KStep k0 = waitingStep;
    waitingStep = null;
    if (!r.applied() && k0 instanceof KStep.Ref k) {
      // vm_object_deallocate() at 3 refs or fewer: the exclusive token after all.
      running.ksteps.addFirst(new KStep.Hold(k.object(), false, k.lockedWorkNs(), k.delta()));
    }
    nextKStep(ctx);
  }

  /**
   * vm_fault() on the image. A read of the vnode's page through an entry still on it: shared
   * hold with the page busied, a miss when it is busy sending the old kernel to the exclusive
   * token (the new one waits for the page). Anonymous zero-fill: a shared try finds no page and
   * restarts exclusive to allocate (shared_miss in both kernels). A fault through the vnode's
   * shadow: the old kernel takes the shadow exclusively; the new one too in a single-threaded
   * process (its shortcut), else it starts shared and, since both a copy and a read through the
   * shadow allocate a page in it, restarts exclusive (shared_miss). Then the vnode object shared,
   * and the copy (COW) or the mapping of the vnode's page.
   */
  private void startChainFault(KStep.Fault f, LpContext ctx) {
    long now = ctx.now();
    meter.add(CpuCounter.FAULTS, 1, now);
    running.faultStart = now;
    fKind = f.kind();
    fFirst = f.first();
    fPindex = f.pindex();
    fBacking = -1;
    fBackingPindex = f.backingPindex();
    fCopy = f.kind() == KStep.FaultKind.COW;
    faultLocked = true;
    switch (f.kind()) {
      case VNODE_READ -> {
        fPhase = FaultPhase.VNODE_SHARED;
        fShared = true;
        fBusy = true;
        sendFaultLock(cost.trapNs(), true, vmFault.shared() ? PageBusy.WAIT : PageBusy.TRY, ctx);
      }
      case ZERO_FILL -> {
        fPhase = FaultPhase.ZF_SHARED;
        fShared = true;
        fBusy = false;
        sendFaultLock(cost.trapNs(), true, PageBusy.NONE, ctx);
      }
      default -> {
        boolean sharedFirst = vmFault.shared() && pmapMulti[running.spec.pid()];
        fPhase = sharedFirst ? FaultPhase.CHAIN_SHARED : FaultPhase.CHAIN_FIRST;
        fShared = sharedFirst;
        fBusy = false;
        sendFaultLock(cost.trapNs(), sharedFirst, PageBusy.NONE, ctx);
      }
    }
  }

  private void sendFaultLock(long afterNs, boolean shared, PageBusy busy, LpContext ctx) {
    int home = homeLp(fFirst);
    ctx.send(home, afterNs + ctx.latencyTo(home),
        new ObjectLockRequest(fFirst, LockIntent.FAULT, fPindex, 1, cpu, shared, busy));
  }

  private void onChainGranted(ObjectLockGranted g, LpContext ctx) {
    switch (fPhase) {
      case VNODE_SHARED -> {
        meter.add(CpuCounter.SHARED_HIT, 1, ctx.now());
        enterPmap(-1, cost.vmPageLookupNs() + (vmFault.shared() ? cost.vnodePagerLockNs() : 0), ctx);
      }
      case VNODE_EXCLUSIVE -> enterPmap(-1, cost.vmPageLookupNs(), ctx);
      case ZF_SHARED -> {
        if (g.residentPfn() >= 0) {
          meter.add(CpuCounter.SHARED_HIT, 1, ctx.now());
          enterPmap(-1, cost.vmPageLookupNs(), ctx);
          return;
        }
        restartExclusive(FaultPhase.ZF_EXCLUSIVE, ctx);
      }
      case ZF_EXCLUSIVE -> {
        if (g.residentPfn() >= 0) {
          enterPmap(-1, cost.vmPageLookupNs(), ctx);
        } else {
          allocateForFault(cost.vmPageLookupNs(), ctx);
        }
      }
      case CHAIN_SHARED -> {
        restartExclusive(FaultPhase.CHAIN_FIRST, ctx);
      }
      case CHAIN_FIRST -> {
        if (g.residentPfn() >= 0) {
          throw new IllegalStateException("CPU " + cpu + ": object " + fFirst + " already has page " + fPindex
              + " that the process never mapped");
        }
        // The shadow lacks the page: on to the vnode object, held shared, its page busied.
        fPhase = FaultPhase.CHAIN_BACKING;
        fBacking = -2;
        int home = homeLp(firstBacking());
        ctx.send(home, cost.vmPageLookupNs() + ctx.latencyTo(home), new ObjectLockRequest(firstBacking(),
            LockIntent.FAULT, fBackingPindex, 1, cpu, true, PageBusy.WAIT));
      }
      case CHAIN_BACKING -> {
        fBacking = g.objectId();
        if (fKind == KStep.FaultKind.COW) {
          allocateForFault(cost.vmPageLookupNs(), ctx);
        } else {
          enterPmap(-1, cost.vmPageLookupNs(), ctx);
        }
      }
      default -> throw new IllegalStateException("fault phase " + fPhase);
    }
  }

  /**
   * The page must be allocated in the first object, which needs it exclusive (R1): count the
   * miss, drop the shared token and retry exclusively.
   */
  private void restartExclusive(FaultPhase next, LpContext ctx) {
    meter.add(CpuCounter.SHARED_MISS, 1, ctx.now());
    int home = homeLp(fFirst);
    ctx.send(home, cost.vmPageLookupNs() + ctx.latencyTo(home),
        new ObjectLockRelease(fFirst, fPindex, -1, cpu, true, 0, false));
    fPhase = next;
    fShared = false;
    sendFaultLock(cost.vmPageLookupNs(), false, PageBusy.NONE, ctx);
  }

  private int firstBacking() {
    return running.space.image.vnodeObject();
  }

  /** The old kernel's shared try found the page busy: a miss, then the exclusive token. */
  private void onPageBusy(ObjectPageBusy b, LpContext ctx) {
    meter.add(CpuCounter.SHARED_MISS, 1, ctx.now());
    fPhase = FaultPhase.VNODE_EXCLUSIVE;
    fShared = false;
    fBusy = false;
    sendFaultLock(0, false, PageBusy.NONE, ctx);
  }

  // --- munmap: remove pages from the object and free them ---

  private void startUnmap(Op.Unmap u, LpContext ctx) {
    meter.enter(CpuState.BUSY, ctx.now());
    if (plan.objects().get(u.objectId()).file()) {
      // A file mapping: pmap_remove() of the PTEs only; the pages stay in the page cache.
      int ptes = Math.max(0, Math.min(u.count(), plan.objects().get(u.objectId()).pages() - u.start()));
      removeMappings(u.objectId(), ptes, new int[0], false, cost.syscallNs(), ctx);
      return;
    }
    int home = layout.memoryLp(plan.homeOf(u.objectId(), topo));
    ctx.send(home, cost.syscallNs() + ctx.latencyTo(home),
        new ObjectLockRequest(u.objectId(), LockIntent.UNMAP, u.start(), u.count(), cpu));
  }

  /**
   * pmap_remove() of each page under the object lock, then the TLB invalidation
   * (pmap_inval_smp(), sys/platform/pc64/x86_64/pmap_inval.c at e3c330f0): when only this CPU
   * has the pmap active, invalidate locally, taking the interlock always or, in multi-only mode,
   * only for PMAP_MULTI pmaps; otherwise take the interlock, IPI every other CPU in pm_active
   * and spin until all have acknowledged, then invalidate locally. Then free the pages and their
   * pv entries and release the object lock.
   */
  private void finishUnmap(ObjectLockGranted g, LpContext ctx) {
    removeMappings(g.objectId(), g.removed().length, g.removed(), true, 0, ctx);
  }

  /**
   * pmap_remove() of {@code n} PTEs of {@code objectId} after {@code beforeNs}, their TLB
   * invalidation, then the frees of {@code freed} and the object lock's release if held.
   */
  private void removeMappings(int objectId, int n, int[] freed, boolean locked, long beforeNs, LpContext ctx) {
    unmapObject = objectId;
    unmapPtes = n;
    unmapFreed = freed;
    unmapLocked = locked;
    int local = pvFreesToOwnList(n);
    long work = beforeNs + n * cost.pmapRemoveNs();
    int pid = running.spec.pid();
    int[] active = pmActive[pid];
    long now = ctx.now();
    if (active.length == 1 && active[0] == cpu) {
      if (pmap.interlock() == PmapSettings.Interlock.ALWAYS || pmapMulti[pid]) {
        work += interlock();
      }
      meter.add(CpuCounter.TLB_INVALIDATIONS, 1, now);
      completeUnmap(local, work + localInvalidationNs(n), ctx);
      return;
    }
    work += interlock();
    int targets = 0;
    for (int target : active) {
      if (target != cpu) {
        int lp = layout.cpuLp(target);
        ctx.send(lp, work + Math.max(topo.latencies().ipiNs(), ctx.latencyTo(lp)), new TlbShootdown(cpu, n));
        targets++;
      }
    }
    meter.add(CpuCounter.IPIS_SENT, targets, now);
    acksPending = targets;
    shootdownTargets = targets;
    unmapLocalFrees = local;
    step(work, Step.SHOOTDOWN_SENT, ctx);
  }

  /**
   * zfree() of the pv entries of {@code n} removed PTEs: to this CPU's own list while it is below
   * zmax_pcpu; returns how many went there (the rest go to the zone's global list).
   */
  private int pvFreesToOwnList(int n) {
    int local = zone.pcpuCache() ? Math.min(n, Math.max(0, zone.zmaxPcpu() - pvPcpu)) : 0;
    pvPcpu += local;
    return local;
  }

  /** The interlock of pmap_inval_init()/pmap_inval_done() on the pmap's pm_active_lock. */
  private long interlock() {
    interlockStats.acquires++;
    interlockStats.holdNs += cost.pmapInterlockNs();
    return cost.pmapInterlockNs();
  }

  /** invlpg per page, or one full flush above MAX_INVAL_PAGES. */
  private long localInvalidationNs(int pages) {
    return pages > PmapSettings.MAX_INVAL_PAGES ? cost.tlbFlushNs() : pages * cost.invlpgNs();
  }

  /** This CPU's TLB was invalidated (or the run ended): a stale translation is gone. */
  private void tlbInvalidated(long now) {
    if (staleSince >= 0) {
      meter.add(CpuCounter.STALE_MAPPING_NS, now - staleSince, now);
      staleSince = -1;
    }
  }

  /** A reply told this CPU that its write copied a page (COW): time it and count its IPIs. */
  private void cowDone(long cowNs, int ipis, LpContext ctx) {
    if (cowNs > 0) {
      meter.add(CpuCounter.IPIS_SENT, ipis, ctx.now());
      meter.opCompleted("cow", cowNs, ctx.now());
    }
  }

  /** A target of an invalidation IPI: invalidate, then clear its bit in the originator's done mask. */
  private void onShootdown(TlbShootdown d, LpContext ctx) {
    tlbInvalidated(ctx.now());
    meter.add(CpuCounter.IPIS_RECEIVED, 1, ctx.now());
    meter.add(CpuCounter.TLB_INVALIDATIONS, 1, ctx.now());
    int lp = layout.cpuLp(d.origin());
    ctx.send(lp, localInvalidationNs(d.pages()) + ctx.latencyTo(lp), new TlbAck(cpu));
  }

  private void onTlbAck(LpContext ctx) {
    if (--acksPending > 0) {
      return;
    }
    endSpinIfAny(ctx);
    meter.add(CpuCounter.TLB_INVALIDATIONS, 1, ctx.now());
    // Serial acknowledgements cost each extra receiver a little more (MODEL §11).
    long tail = Math.max(0, shootdownTargets - 1) * cost.ipiExtraReceiverNs()
        + localInvalidationNs(unmapPtes);
    completeUnmap(unmapLocalFrees, tail, ctx);
  }

  /** vm_page_free() of a thread's object-less pages, to their nodes (the CPU does not wait). */
  private void freeHeld(SimThread t, LpContext ctx) {
    sendFrees(t.held.stream().mapToInt(Integer::intValue).toArray(), t.held.size() * cost.vmPageFreeNs(), ctx);
    t.held.clear();
  }

  /** Sends {@code pfns} to their nodes' free queues, {@code afterNs} from now. */
  private void sendFrees(int[] pfns, long afterNs, LpContext ctx) {
    int[] perNode = new int[topo.nodes()];
    for (int pfn : pfns) {
      perNode[topo.nodeOfPfn(pfn)]++;
    }
    int[][] byNode = new int[topo.nodes()][];
    for (int n = 0; n < byNode.length; n++) {
      byNode[n] = new int[perNode[n]];
      perNode[n] = 0;
    }
    for (int pfn : pfns) {
      int n = topo.nodeOfPfn(pfn);
      byNode[n][perNode[n]++] = pfn;
    }
    for (int n = 0; n < byNode.length; n++) {
      if (byNode[n].length > 0) {
        int lp = layout.memoryLp(n);
        ctx.send(lp, afterNs + ctx.latencyTo(lp), new PageFree(byNode[n], cpu));
      }
    }
  }

  /** After {@code workNs}: vm_page_free() the pages, zfree() the pv entries, release the lock. */
  private void completeUnmap(int localZoneFrees, long workNs, LpContext ctx) {
    long work = workNs + unmapFreed.length * cost.vmPageFreeNs() + localZoneFrees * cost.zonePcpuNs();
    if (unmapPtes > localZoneFrees) {
      int home = layout.memoryLp(0);
      ctx.send(home, work + ctx.latencyTo(home), new ZoneFree(cpu, unmapPtes - localZoneFrees));
    }
    sendFrees(unmapFreed, work, ctx);
    if (unmapLocked) {
      int home = layout.memoryLp(plan.homeOf(unmapObject, topo));
      ctx.send(home, work + ctx.latencyTo(home), new ObjectLockRelease(unmapObject, -1, -1, cpu));
    }
    unmapFreed = null;
    step(work, Step.UNMAP_DONE, ctx);
  }

  // --- spinning on a held lock ---

  private void startSpin(LockClass c, long waitNs, LpContext ctx) {
    if (spinning) {
      return;
    }
    meter.enter(CpuState.SPIN, ctx.now());
    spinning = true;
    spinStart = ctx.now();
    spinClass = c;
    spinGen++;
    if (waitNs >= 0) {
      ctx.schedule(waitNs, new SpinDone(spinGen));
    }
  }

  /** A reply ends the spin that was waiting for it, if any. */
  private void endSpinIfAny(LpContext ctx) {
    if (spinning) {
      endSpin(ctx.now());
    }
  }

  private void endSpin(long now) {
    long waited = now - spinStart;
    spinning = false;
    meter.enter(CpuState.BUSY, now);
    meter.add(CpuCounter.LOCK_WAIT_NS, waited, now);
    meter.record(Latency.LOCK_WAIT, waited);
    if (spinClass == LockClass.TOKEN) {
      meter.record(Latency.TOKEN_WAIT, waited);
    }
    waitByClass[spinClass.ordinal()] += waited;
  }
}
