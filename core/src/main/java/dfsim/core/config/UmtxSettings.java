package dfsim.core.config;

/**
 * {@code kernel.umtx.*}: how umtx_sleep()/umtx_wakeup() find the mutex's physical address and
 * how long a sleep may last (afd7f124, sys/kern/kern_umtx.c; docs/model/kern-umtx.md).
 */
public record UmtxSettings(Impl impl, long timeoutMaxNs, long delayNs) {

  /** {@code kernel.umtx.impl}. */
  public enum Impl {
    /** Before afd7f124: vm_fault_page_quick() under the map and object tokens, a page hold and activation. */
    FAULT_PAGE,
    /** From afd7f124: fuword() and a PTE read through the PTmap self-map, no locks. */
    PTMAP
  }

  public boolean ptmap() {
    return impl == Impl.PTMAP;
  }

  public static UmtxSettings from(Settings s) {
    return new UmtxSettings(s.choice("kernel.umtx.impl", Impl.class),
        s.durationNs("kernel.umtx.timeout-max", 0, 3_600_000_000_000L),
        s.durationNs("kernel.umtx.delay", 0, 1_000_000_000L));
  }
}
