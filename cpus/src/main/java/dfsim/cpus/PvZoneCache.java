package dfsim.cpus;

import dfsim.core.config.ZoneSettings;

/**
 * {@code kernel.zone.pcpu-cache}: where zalloc() and zfree() of pvzone's pv entries go
 * (sys/vm/vm_zone.c at 85946b6c and its parent): the zone's global list under its spinlock, or
 * first this CPU's own list. See docs/model/vm-zone.md.
 */
sealed interface PvZoneCache {

  static PvZoneCache of(ZoneSettings zone) {
    return zone.pcpuCache() ? new PerCpuLists(zone.zmaxPcpu()) : new ZoneLockOnly();
  }

  /** Whether zalloc() takes an item from this CPU's own list, which holds {@code own}. */
  boolean allocFromOwnList(int own);

  /** Returns how many of {@code n} zfree()d items go to this CPU's own list, which holds {@code own}. */
  int freeToOwnList(int n, int own);

  /** Before 85946b6c: every zalloc() and zfree() takes the zone's spinlock. */
  record ZoneLockOnly() implements PvZoneCache {
    @Override
    public boolean allocFromOwnList(int own) {
      return false;
    }

    @Override
    public int freeToOwnList(int n, int own) {
      return 0;
    }
  }

  /** From 85946b6c: zfree() fills this CPU's own list up to zmax_pcpu, and zalloc() takes from it first. */
  record PerCpuLists(int zmaxPcpu) implements PvZoneCache {
    @Override
    public boolean allocFromOwnList(int own) {
      return own > 0;
    }

    @Override
    public int freeToOwnList(int n, int own) {
      return Math.min(n, Math.max(0, zmaxPcpu - own));
    }
  }
}
