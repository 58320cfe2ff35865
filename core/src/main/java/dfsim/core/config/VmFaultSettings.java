package dfsim.core.config;

/**
 * {@code kernel.vm-fault.lock-mode}: how faults, fork and exec lock VM objects (501747bf);
 * {@code kernel.vm-fault-page.enter-pmap}: whether vm_fault_page() enters the page into the
 * target pmap (before 385c96e4) or returns it held, a COW copy then removing the old page from
 * every pmap; {@code kernel.vm-fault.map-token}: whether faults hold the process's map token
 * throughout (2011 and 2013, until 73101af2cf; mmap and munmap hold it in every era); {@code kernel.vm-fault-page.quick}: whether
 * umtx's vm_fault_page_quick() tries pmap_fault_page_quick() first (from a86ce0cd34, 2013). See
 * docs/model/vm-fault.md and
 * docs/model/vm-fault-page.md.
 */
public record VmFaultSettings(LockMode lockMode, boolean enterPmap, boolean mapToken, boolean faultPageQuick) {

  /** {@code kernel.vm-fault.lock-mode}. */
  public enum LockMode {
    /** Before 501747bf: exclusive object locks except a shared try on terminal objects. */
    EXCLUSIVE,
    /** From 501747bf: shared first, restart exclusive when the fault must allocate. */
    SHARED_TWO_STAGE
  }

  public boolean shared() {
    return lockMode == LockMode.SHARED_TWO_STAGE;
  }

  public static VmFaultSettings from(Settings s) {
    return new VmFaultSettings(s.choice("kernel.vm-fault.lock-mode", LockMode.class),
        s.bool("kernel.vm-fault-page.enter-pmap"),
        s.on("kernel.vm-fault.map-token"),
        s.on("kernel.vm-fault-page.quick"));
  }
}
