package dfsim.core.config;

/**
 * {@code kernel.zone.*}: the zone allocator's per-CPU caches (sys/vm/vm_zone.c at 85946b6c,
 * docs/model/vm-zone.md) for the zone the fault path uses, pvzone (a pv entry per pmap_enter()).
 */
public record ZoneSettings(boolean pcpuCache, int zmaxPcpu) {

  /** {@code kernel.zone.pcpu-cache}. */
  public enum PcpuCache { OFF, ON }

  /**
   * Reads {@code kernel.zone.*}. zmax-pcpu 0 means what zfree() computes for pvzone:
   * max(64, zmax / ncpus / 16), zmax = pv_entry_max, about the box's physical pages.
   */
  public static ZoneSettings from(Settings s, long physicalPages, int ncpus) {
    boolean on = s.choice("kernel.zone.pcpu-cache", PcpuCache.class) == PcpuCache.ON;
    int zmax = s.intIn("kernel.zone.zmax-pcpu", 0, 1 << 24);
    if (zmax == 0) {
      zmax = (int) Math.max(64, physicalPages / ncpus / 16);
    }
    return new ZoneSettings(on, zmax);
  }
}
