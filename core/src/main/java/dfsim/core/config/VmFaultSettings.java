package dfsim.core.config;

/** {@code kernel.vm-fault.lock-mode}: how faults, fork and exec lock VM objects (501747bf, MODEL §6). */
public record VmFaultSettings(LockMode lockMode) {

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
    return new VmFaultSettings(s.choice("kernel.vm-fault.lock-mode", LockMode.class));
  }
}
