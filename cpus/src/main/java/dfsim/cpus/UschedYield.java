package dfsim.cpus;

import dfsim.core.config.Costs;
import dfsim.core.config.UschedSettings;
import java.util.List;

import static dfsim.core.protocol.GlobalLine.Global.BSD4_SPIN;
import static dfsim.core.protocol.GlobalLine.Global.CURPROCMASK;

/**
 * {@code kernel.usched}: what sched_yield() of a thread alone on its CPU writes besides the CPU's
 * own data, as the kernel steps after the system call's entry (sys/kern/usched_bsd4.c,
 * usched_dfly.c). The scheduler's globals live on node 0 ({@link KStep.Global}); an atomic on a
 * line this CPU holds costs {@code cost.atomic}. See docs/model/usched.md.
 */
sealed interface UschedYield {

  static UschedYield of(UschedSettings s, Costs cost) {
    return switch (s.impl()) {
      case BSD4 -> new Bsd4(cost);
      case DFLY -> new Dfly(cost);
      case DFLY_PCPU_MASK -> new DflyPcpuMask(cost);
    };
  }

  /** The steps of one yield, after the system call's entry. */
  List<KStep> path();

  /**
   * usched_bsd4 (until e28d8b158f, 2012-09-17): bsd4_yield() asks for a user reschedule (an
   * atomic on the CPU's gd_reqflags), which bsd4_acquire_curproc() clears (another) before
   * bsd4_release_curproc() clears the CPU's bit in the global bsd4_curprocmask;
   * bsd4_select_curproc() takes the global bsd4_spin around chooseproc_locked() (which finds the
   * queues empty), and the acquire sets the bit again.
   */
  record Bsd4(Costs cost) implements UschedYield {
    @Override
    public List<KStep> path() {
      long atomic = cost.atomicNs();
      return List.of(new KStep.Call("bsd4_yield", atomic), new KStep.Call("bsd4_acquire_curproc", atomic),
          new KStep.Global(CURPROCMASK, atomic, "bsd4_release_curproc"),
          new KStep.Global(BSD4_SPIN, atomic, "bsd4_select_curproc"),
          new KStep.Global(CURPROCMASK, atomic, "bsd4_acquire_curproc"));
    }
  }

  /**
   * usched_dfly (e28d8b158f): dfly_yield() marks the thread (an atomic on its own td_mpflags);
   * dfly_release_curproc(), dfly_select_curproc() and dfly_acquire_curproc() each take the CPU's
   * own dd->spin; the release clears and the acquire sets the CPU's bit in the global
   * dfly_curprocmask, the acquire after clearing the thread's mark (another atomic).
   */
  record Dfly(Costs cost) implements UschedYield {
    @Override
    public List<KStep> path() {
      long atomic = cost.atomicNs();
      return List.of(new KStep.Call("dfly_release_curproc", 2 * atomic),
          new KStep.Global(CURPROCMASK, atomic, "dfly_release_curproc"),
          new KStep.Call("dfly_select_curproc", atomic),
          new KStep.Call("dfly_acquire_curproc", 2 * atomic),
          new KStep.Global(CURPROCMASK, atomic, "dfly_acquire_curproc"));
    }
  }

  /**
   * usched_dfly from dd8be70aa0 (2018-04-23): the bit is reflected in the CPU's own dd->flags and a
   * yield (TDF_MP_DIDYIELD) leaves it set, so neither atomic on the global word is made.
   */
  record DflyPcpuMask(Costs cost) implements UschedYield {
    @Override
    public List<KStep> path() {
      long atomic = cost.atomicNs();
      return List.of(new KStep.Call("dfly_release_curproc", 2 * atomic),
          new KStep.Call("dfly_select_curproc", atomic),
          new KStep.Call("dfly_acquire_curproc", 2 * atomic));
    }
  }
}
