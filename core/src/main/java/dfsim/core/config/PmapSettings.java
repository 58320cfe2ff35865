package dfsim.core.config;

/**
 * {@code kernel.pmap.inval-interlock}: whether pmap_inval_smp() takes the pm_active_lock
 * interlock (critical section, CPULOCK_EXCL by CAS, two pm_invgen bumps) on the local-only path
 * always (before e3c330f0) or only for pmaps marked PMAP_MULTI (from e3c330f0).
 */
public record PmapSettings(Interlock interlock) {

  /** {@code kernel.pmap.inval-interlock}. */
  public enum Interlock { ALWAYS, MULTI_ONLY }

  /** MAX_INVAL_PAGES: above this many pages an invalidation flushes the whole TLB. */
  public static final int MAX_INVAL_PAGES = 128;

  public static PmapSettings from(Settings s) {
    return new PmapSettings(s.choice("kernel.pmap.inval-interlock", Interlock.class));
  }
}
