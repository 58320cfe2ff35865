package dfsim.core.kernel;

/**
 * {@code kernel.vm-fault-page.enter-pmap}: what vm_fault_page() (sys/vm/vm_fault.c) does with the
 * page it resolved for a caller that wants the page, not a mapping (umtx, procfs/ptrace), and so
 * what a write through it costs when the page is shared copy-on-write since a fork. See
 * docs/model/vm-fault-page.md.
 */
public sealed interface VmFaultPage {

  /** Returns the switch's implementation: {@code true} before 385c96e4, {@code false} from it. */
  static VmFaultPage of(boolean enterPmap) {
    return enterPmap ? new EntersPmap() : new ReturnsHeld();
  }

  /** Whether the page is pmap_enter()ed into the map's pmap before it is returned. */
  boolean entersPmap();

  /**
   * Returns the invalidation IPI rounds to the other CPUs of the process's pm_active that a COW
   * made through vm_fault_page() costs its writer: the process itself, or a foreign one.
   */
  int cowIpiRounds(boolean foreign);

  /** Whether a foreign writer's COW leaves the process's other CPUs a stale translation. */
  boolean foreignCowStale();

  /**
   * Before 385c96e4: the page is entered into the target pmap. The process's own COW replaces
   * its PTE under the interlock (one IPI round); a foreign writer replaces it from outside
   * pm_active, sending no IPI, so the process's other CPUs keep the old translation.
   */
  record EntersPmap() implements VmFaultPage {
    @Override
    public boolean entersPmap() {
      return true;
    }

    @Override
    public int cowIpiRounds(boolean foreign) {
      return foreign ? 0 : 1;
    }

    @Override
    public boolean foreignCowStale() {
      return true;
    }
  }

  /**
   * From 385c96e4: the page is returned held, never entered; the COW's copy removes the old page
   * from every pmap (vm_page_protect(VM_PROT_NONE) in vm_fault_object()), one IPI round to the
   * whole pm_active whoever writes, and leaves the PTE empty, so that no second round replaces
   * it. (The next user access to the page then takes a soft fault, which is not modelled.)
   */
  record ReturnsHeld() implements VmFaultPage {
    @Override
    public boolean entersPmap() {
      return false;
    }

    @Override
    public int cowIpiRounds(boolean foreign) {
      return 1;
    }

    @Override
    public boolean foreignCowStale() {
      return false;
    }
  }
}
