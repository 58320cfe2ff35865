package dfsim.cpus;

import dfsim.core.config.CpuSwitchSettings;
import dfsim.core.config.PipeSettings;
import dfsim.core.metrics.CpuState;
import dfsim.core.program.Op;
import dfsim.core.sim.LpContext;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import static dfsim.core.protocol.GlobalLine.Global.KQ_TOKEN;
import static dfsim.core.protocol.GlobalLine.Global.PIPE_RBLOCKED_COUNT;
import static dfsim.core.protocol.GlobalLine.Global.SWITCH_COUNT;

/**
 * Pipes whose two ends are threads of this CPU, one byte at a time (sys/kern/sys_pipe.c
 * pipe_write(), pipe_read(); kern_synch.c tsleep(), wakeup(); kern_event.c knote();
 * lwkt_thread.c lwkt_switch(); sys/platform/pc64/x86_64/swtch.s), as will-it-scale's
 * context_switch1 uses them. A write wakes the reader asleep on the pipe; a read of an empty pipe
 * polls it ({@code kernel.pipe.delay}, in vain: its writer is on this CPU), then sleeps, giving the
 * CPU's user slot to the thread it woke ({@link UschedSleep}). A woken thread, raised to
 * TDPRI_KERN_USER, runs when its waker leaves the kernel, finds the slot held, queues itself and
 * switches back; it runs again when the waker sleeps: three switches per wakeup. The model runs
 * the woken thread once, when its waker sleeps, and charges it the two extra switches and its
 * requeue then. Each switch writes the era's globals ({@code kernel.lwkt.switch-count}) and the
 * pmaps' pm_active ({@code kernel.pmap.switch-pm-active}). See docs/model/programs.md.
 */
final class SysPipe {
  /** PIPE_SIZE (sys/sys/pipe.h): a write to a full pipe sleeps until a read. */
  static final int PIPE_SIZE = 16384;

  private final Globaldata gd;
  private final LwktThread lwkt;
  private final KStepRunner steps;
  private final Pmap pmap;
  private final UschedSleep usched;
  private final PipeSettings settings;
  private final CpuSwitchSettings switches;
  private final KernDescrip descrip;
  private final Map<Integer, Pipe> pipes = new HashMap<>();

  /** A pipe's bytes and the thread asleep on each end. */
  private static final class Pipe {
    int bytes;
    SimThread reader;
    SimThread writer;
  }

  SysPipe(Globaldata gd, LwktThread lwkt, KStepRunner steps, Pmap pmap, UschedSleep usched, PipeSettings settings,
      CpuSwitchSettings switches, KernDescrip descrip) {
    this.gd = gd;
    this.descrip = descrip;
    this.lwkt = lwkt;
    this.steps = steps;
    this.pmap = pmap;
    this.usched = usched;
    this.settings = settings;
    this.switches = switches;
  }

  private Pipe pipe(int id) {
    return pipes.computeIfAbsent(id, k -> new Pipe());
  }

  /** write(): the pipe's token and the copy; the reader's wakeup; or, the pipe full, the sleep's steps. */
  void write(SimThread t, Op.PipeWrite w, LpContext ctx) {
    Pipe p = pipe(w.pipe());
    Deque<KStep> k = enter(t, ctx);
    long atomic = gd.cost.atomicNs();
    // The pipe's own token taken and released, the byte copied, the state's atomics.
    k.add(new KStep.Call("pipe_write", 4 * atomic));
    if (p.bytes == PIPE_SIZE) {
      sleepSteps(k, 0);
    } else {
      if (p.reader != null) {
        // wakeup(): the sleep queue's bit cleared, lwkt_schedule() on this CPU.
        k.add(new KStep.Call("wakeup", 2 * atomic));
      }
      knote(k);
    }
    steps.next(ctx);
  }

  /** read(): the pipe's tokens and the copy; or, the pipe empty, the poll and the sleep's steps. */
  void read(SimThread t, Op.PipeRead r, LpContext ctx) {
    Pipe p = pipe(r.pipe());
    Deque<KStep> k = enter(t, ctx);
    long atomic = gd.cost.atomicNs();
    k.add(new KStep.Call("pipe_read", 2 * atomic));
    if (p.bytes == 0) {
      sleepSteps(k, settings.delayNs());
    } else {
      readDone(k, p);
    }
    steps.next(ctx);
  }

  private Deque<KStep> enter(SimThread t, LpContext ctx) {
    Deque<KStep> k = steps.syscall(t, ctx);
    descrip.holdfp(k, t.spec.pid());
    return k;
  }

  /** A read that takes the byte: the copy, and the writer's wakeup if it sleeps on a full pipe. */
  private void readDone(Deque<KStep> k, Pipe p) {
    if (p.writer != null) {
      k.add(new KStep.Call("wakeup", 2 * gd.cost.atomicNs()));
    }
    knote(k);
  }

  /** pipewakeup()'s KNOTE() on a write or read that moved data, with no kevent registered. */
  private void knote(Deque<KStep> k) {
    long atomic = gd.cost.atomicNs();
    switch (settings.knote()) {
      case KQ_TOKEN -> k.add(new KStep.Global(KQ_TOKEN, 2 * atomic, "knote"));
      // A pool token hashed from the pipe's note list: a line of its own.
      case POOL_TOKEN -> k.add(new KStep.Call("knote", 2 * atomic));
      case NONE -> { }
    }
  }

  /** The poll (a read's, {@code pollNs}), tsleep()'s interlock and the user slot's release. */
  private void sleepSteps(Deque<KStep> k, long pollNs) {
    if (pollNs > 0) {
      k.add(new KStep.Call("cpu_pause", pollNs));
    }
    k.add(new KStep.Call("tsleep", 2 * gd.cost.atomicNs()));
    k.addAll(usched.release());
  }

  /**
   * The running thread's pipe operation finished its kernel steps: the byte moves, or the thread
   * sleeps on the pipe. Returns whether it sleeps (false for an operation on no pipe).
   */
  boolean stepsDone(SimThread t, LpContext ctx) {
    if (t.op instanceof Op.PipeWrite w) {
      Pipe p = pipe(w.pipe());
      if (p.bytes == PIPE_SIZE) {
        p.writer = t;
        lwkt.deschedule(t, ctx);
        return true;
      }
      p.bytes++;
      if (p.reader != null) {
        wake(p.reader, t, ctx);
        p.reader = null;
      }
    } else if (t.op instanceof Op.PipeRead r) {
      Pipe p = pipe(r.pipe());
      if (p.bytes == 0) {
        p.reader = t;
        lwkt.deschedule(t, ctx);
        return true;
      }
      p.bytes--;
      if (p.writer != null) {
        wake(p.writer, t, ctx);
        p.writer = null;
      }
    }
    return false;
  }

  /**
   * wakeup() of {@code s} by {@code waker}: it is queued to run, with what it does before its
   * operation ends: the switch to it (its switch writes), the switch that ran it at its wakeup and
   * the one back after its requeue, then the rest of its call.
   */
  private void wake(SimThread s, SimThread waker, LpContext ctx) {
    Deque<KStep> k = s.newKSteps();
    switchWrites(k, s, waker);
    k.add(new KStep.Switch());
    switchWrites(k, s, waker);
    k.addAll(usched.requeue());
    k.add(new KStep.Switch());
    switchWrites(k, s, waker);
    if (s.op instanceof Op.PipeRead r) {
      k.add(new KStep.Call("pipe_read", 2 * gd.cost.atomicNs()));
      if (settings.rblockedCount()) {
        k.add(new KStep.Global(PIPE_RBLOCKED_COUNT, gd.cost.atomicNs(), "pipe_read"));
      }
      readDone(k, pipe(r.pipe()));
    } else {
      k.add(new KStep.Call("pipe_write", 2 * gd.cost.atomicNs()));
      knote(k);
    }
    s.wokenFrom = SimThread.Sleep.PIPE;
    lwkt.schedule(s, ctx);
  }

  /**
   * What one switch between {@code a} and {@code b} writes besides the CPU's own data:
   * ++switch_count, and pm_active: between threads of one process, before b4758707dd, the
   * incoming bit alone (one locked op) with %cr3 kept; otherwise the outgoing pmap's bit cleared,
   * the incoming's set and %cr3 reloaded. A pmap whose process runs on this CPU alone keeps its
   * line here.
   */
  private void switchWrites(Deque<KStep> k, SimThread a, SimThread b) {
    long atomic = gd.cost.atomicNs();
    if (switches.switchCount()) {
      k.add(new KStep.Global(SWITCH_COUNT, atomic, "lwkt_switch"));
    }
    boolean oneProcess = a.spec.pid() == b.spec.pid();
    if (oneProcess && switches.pmActive() == CpuSwitchSettings.PmActive.SAME_VMSPACE) {
      pmActive(k, a.spec.pid());
      return;
    }
    pmActive(k, a.spec.pid());
    pmActive(k, b.spec.pid());
    k.add(new KStep.Call("cpu_heavy_restore", gd.cost.tlbFlushNs()));
  }

  /** One locked op on process {@code pid}'s pm_active: its line, shared if the process runs on other CPUs. */
  private void pmActive(Deque<KStep> k, int pid) {
    if (pmap.sharedByCpus(pid)) {
      k.add(new KStep.Atomic(pmap.mapToken(pid), "cpu_heavy_switch"));
    } else {
      k.add(new KStep.Call("cpu_heavy_switch", gd.cost.atomicNs()));
    }
  }

  /**
   * exit() of a thread on a CPU whose threads use pipes: exit1() releases the user slot as a
   * sleep does ({@link UschedSleep#release}), then the thread is gone. Returns false on a CPU
   * without pipes, whose threads never hand the slot over (the model leaves that release out).
   */
  boolean exit(SimThread t, LpContext ctx) {
    if (pipes.isEmpty()) {
      return false;
    }
    gd.meter.enter(CpuState.BUSY, ctx.now());
    t.newKSteps().addAll(usched.release());
    steps.next(ctx);
    return true;
  }

  /** Back from a pipe's sleep: the rest of the call. */
  void resume(SimThread t, LpContext ctx) {
    t.wokenFrom = SimThread.Sleep.NONE;
    gd.meter.enter(CpuState.BUSY, ctx.now());
    steps.next(ctx);
  }
}
