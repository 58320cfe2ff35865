package dfsim.cpus;

import dfsim.core.config.Costs;
import dfsim.core.config.UschedSettings;
import java.util.List;

import static dfsim.core.protocol.GlobalLine.Global.BSD4_SETRUNQUEUE;
import static dfsim.core.protocol.GlobalLine.Global.BSD4_SPIN;
import static dfsim.core.protocol.GlobalLine.Global.CURPROCMASK;

/**
 * {@code kernel.usched}: what the userland scheduler writes when two threads bound to one CPU hand
 * its user slot (uschedcp) back and forth through a sleep and a wakeup (sys/kern/usched_bsd4.c,
 * usched_dfly.c; sys/kern/kern_synch.c tsleep()). The woken thread, at TDPRI_KERN_USER, runs when
 * its waker leaves the kernel, finds the slot held in acquire_curproc() and queues itself
 * (setrunqueue); the waker's next sleep releases the slot and select_curproc() hands it over. The
 * globals live on node 0 ({@link KStep.Global}). See docs/model/usched.md.
 */
sealed interface UschedSleep {

  static UschedSleep of(UschedSettings s, Costs cost) {
    return switch (s.impl()) {
      case BSD4 -> new Bsd4(cost);
      case DFLY -> new Dfly(cost);
      case DFLY_PCPU_MASK -> new DflyPcpuMask(cost);
    };
  }

  /** The sleeper's release_curproc() and select_curproc(), which gives the slot to the queued thread. */
  List<KStep> release();

  /** The woken thread's acquire_curproc() finding the slot held: it queues itself. */
  List<KStep> requeue();

  /**
   * usched_bsd4 (until e28d8b158f, 2012): the release clears the CPU's bit in the global
   * bsd4_curprocmask; bsd4_select_curproc() takes the global bsd4_spin and walks the one global
   * queue to this CPU's thread (a step per other CPU's thread before it) and sets the bit again;
   * the requeue is bsd4_setrunqueue() onto the global queue under bsd4_spin, which finds no CPU
   * the bound thread may run on and, bsd4_scancpu's CPU being another one most times, clears its
   * bit in bsd4_rdyprocmask and IPIs its helper thread.
   */
  record Bsd4(Costs cost) implements UschedSleep {
    @Override
    public List<KStep> release() {
      long atomic = cost.atomicNs();
      return List.of(new KStep.Global(CURPROCMASK, atomic, "bsd4_release_curproc"),
          new KStep.Global(BSD4_SPIN, 2 * atomic, "bsd4_select_curproc"),
          new KStep.Global(CURPROCMASK, atomic, "bsd4_select_curproc"));
    }

    @Override
    public List<KStep> requeue() {
      return List.of(new KStep.Global(BSD4_SETRUNQUEUE, 2 * cost.atomicNs(), "bsd4_setrunqueue"));
    }
  }

  /**
   * usched_dfly (e28d8b158f): the CPU's own dd->spin throughout, but the release clears and
   * dfly_select_curproc() sets the CPU's bit in the global dfly_curprocmask.
   */
  record Dfly(Costs cost) implements UschedSleep {
    @Override
    public List<KStep> release() {
      long atomic = cost.atomicNs();
      return List.of(new KStep.Call("dfly_release_curproc", 2 * atomic),
          new KStep.Global(CURPROCMASK, atomic, "dfly_release_curproc"),
          new KStep.Call("dfly_select_curproc", 2 * atomic),
          new KStep.Global(CURPROCMASK, atomic, "dfly_select_curproc"));
    }

    @Override
    public List<KStep> requeue() {
      return List.of(new KStep.Call("dfly_setrunqueue_dd", 2 * cost.atomicNs()));
    }
  }

  /**
   * usched_dfly from dd8be70aa0 (2018): the thread that yielded the CPU in acquire_curproc() is
   * marked (TDF_MP_DIDYIELD), so its release leaves the CPU's mask bit, kept in its own dd->flags,
   * set and select_curproc() finds it set: nothing shared is written.
   */
  record DflyPcpuMask(Costs cost) implements UschedSleep {
    @Override
    public List<KStep> release() {
      long atomic = cost.atomicNs();
      return List.of(new KStep.Call("dfly_release_curproc", 2 * atomic),
          new KStep.Call("dfly_select_curproc", 2 * atomic));
    }

    @Override
    public List<KStep> requeue() {
      return List.of(new KStep.Call("dfly_setrunqueue_dd", 2 * cost.atomicNs()));
    }
  }
}
