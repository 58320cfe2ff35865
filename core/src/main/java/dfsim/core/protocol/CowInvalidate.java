package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * A page's home -> a CPU in the pm_active of a pmap mapping it: invalidate its translation (the
 * IPI of a COW's PTE replacement, or of vm_page_protect(old, VM_PROT_NONE) from 385c96e4), sent
 * on CPU {@code origin}'s behalf at {@code sentNs}.
 */
public record CowInvalidate(int origin, long sentNs) implements SimMessage {
  /** Its arrow in trace.json. */
  public static final String FLOW = "ipi: cow invalidate";
}
