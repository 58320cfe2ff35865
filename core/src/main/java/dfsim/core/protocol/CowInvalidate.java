package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * A page's home -> a CPU in the pm_active of a pmap mapping it: invalidate its translation (the
 * IPI of a COW's PTE replacement, or of vm_page_protect(old, VM_PROT_NONE) from 385c96e4).
 */
public record CowInvalidate(int origin) implements SimMessage {}
