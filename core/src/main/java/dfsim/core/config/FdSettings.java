package dfsim.core.config;

/**
 * {@code kernel.fd.holdfp}: how a system call on a file descriptor finds its file
 * (sys/kern/kern_descrip.c holdfp()): under the process's fd_spin taken exclusively (until
 * 0846e4ceea, 2012-09-24), shared (an atomic on the lock's word to take it and one to drop it,
 * until 359499301c, 2018-04-20), or through the thread's own descriptor cache, which no other
 * thread writes.
 */
public record FdSettings(Holdfp holdfp) {

  /** {@code kernel.fd.holdfp}. */
  public enum Holdfp { EXCLUSIVE, SHARED, THREAD_CACHE }

  public static FdSettings from(Settings s) {
    return new FdSettings(s.choice("kernel.fd.holdfp", Holdfp.class));
  }
}
