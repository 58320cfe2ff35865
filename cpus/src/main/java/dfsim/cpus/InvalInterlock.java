package dfsim.cpus;

import dfsim.core.config.PmapSettings;

/**
 * {@code kernel.pmap.inval-interlock}: whether pmap_inval_smp() takes the pm_active_lock
 * interlock (a critical section, CPULOCK_EXCL by compare-and-swap, two pm_invgen bumps) when only
 * this CPU has the pmap active (sys/platform/pc64/x86_64/pmap_inval.c at e3c330f0 and its
 * parent). See docs/model/pmap.md.
 */
sealed interface InvalInterlock {

  static InvalInterlock of(PmapSettings pmap) {
    return pmap.interlock() == PmapSettings.Interlock.ALWAYS ? new Always() : new MultiOnly();
  }

  /** Whether a local-only invalidation in a pmap ({@code multi}: PMAP_MULTI) takes the interlock. */
  boolean localTakesInterlock(boolean multi);

  /** Before e3c330f0: every invalidation takes the interlock. */
  record Always() implements InvalInterlock {
    @Override
    public boolean localTakesInterlock(boolean multi) {
      return true;
    }
  }

  /** From e3c330f0: a local-only invalidation skips it unless the pmap was ever multi-threaded. */
  record MultiOnly() implements InvalInterlock {
    @Override
    public boolean localTakesInterlock(boolean multi) {
      return multi;
    }
  }
}
