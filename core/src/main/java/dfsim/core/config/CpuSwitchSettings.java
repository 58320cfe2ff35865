package dfsim.core.config;

/**
 * What a heavy context switch writes besides the CPU's own data (sys/kern/lwkt_thread.c
 * lwkt_switch(), sys/platform/pc64/x86_64/swtch.s cpu_heavy_switch and cpu_heavy_restore):
 * {@code kernel.lwkt.switch-count}, the global ++switch_count (until 4b2467b7fb, 2019-05-09), and
 * {@code kernel.pmap.switch-pm-active}, how the outgoing and incoming pmaps' pm_active are
 * updated.
 */
public record CpuSwitchSettings(boolean switchCount, PmActive pmActive) {

  /** {@code kernel.pmap.switch-pm-active}. */
  public enum PmActive {
    /**
     * Before b4758707dd (2016-07-26): between threads of one vmspace the outgoing bit is left and
     * the incoming set (one locked op on the shared pm_active), %cr3 kept; between processes the
     * old pmap's bit is cleared and the new one's set, %cr3 reloaded.
     */
    SAME_VMSPACE,
    /** b4758707dd: the old bit always cleared and the new set, %cr3 always reloaded. */
    ALWAYS
  }

  public static CpuSwitchSettings from(Settings s) {
    return new CpuSwitchSettings(s.on("kernel.lwkt.switch-count"),
        s.choice("kernel.pmap.switch-pm-active", PmActive.class));
  }
}
