package dfsim.cpus;

import dfsim.core.config.VmPageSettings;

/**
 * {@code kernel.vm-fault.quick}: whether a fault first tries vm_fault_quick() (sys/vm/vm_fault.c
 * at e3c330f0), which looks the page up in vm_page_hash[] without the object's lock. See
 * docs/model/vm-page-hash.md.
 */
sealed interface FaultQuick {

  static FaultQuick of(VmPageSettings vm) {
    return vm.faultQuick() ? new HashProbe() : new ObjectLocked();
  }

  /** Whether a fault ({@code write} or read) on an object ({@code file}: a vnode's) tries the hash first. */
  boolean tries(boolean write, boolean file);

  /** Every fault takes the object's lock. */
  record ObjectLocked() implements FaultQuick {
    @Override
    public boolean tries(boolean write, boolean file) {
      return false;
    }
  }

  /** A read fault on a file's page (never OBJ_ONEMAPPING) probes the hash first. */
  record HashProbe() implements FaultQuick {
    @Override
    public boolean tries(boolean write, boolean file) {
      return !write && file;
    }
  }
}
