package dfsim.core.config;

/**
 * {@code kernel.usched}: what the userland scheduler writes when a thread alone on its CPU calls
 * sched_yield() (sys/kern/usched_bsd4.c, usched_dfly.c; docs/model/usched.md).
 */
public record UschedSettings(Impl impl) {

  /** {@code kernel.usched}. */
  public enum Impl {
    /**
     * usched_bsd4, the default until e28d8b158f (2012-09-17): bsd4_release_curproc() clears the
     * CPU's bit in the global bsd4_curprocmask, bsd4_select_curproc() takes the global bsd4_spin,
     * bsd4_acquire_curproc() sets the bit again.
     */
    BSD4,
    /**
     * usched_dfly (e28d8b158f): the CPU's own dd->spin, but the bit in the global
     * dfly_curprocmask still cleared and set on every yield.
     */
    DFLY,
    /**
     * usched_dfly from dd8be70aa0 (2018-04-23): the mask bit reflected in the CPU's own
     * dd->flags, and a yield (TDF_MP_DIDYIELD) leaves it set: nothing shared is written.
     */
    DFLY_PCPU_MASK
  }

  public static UschedSettings from(Settings s) {
    return new UschedSettings(s.choice("kernel.usched", Impl.class));
  }
}
