package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * A page's home -> a CPU in the pm_active of a pmap whose PTE another CPU replaced without the
 * invalidation interlock (vm_fault_page() entering a foreign pmap before 385c96e4): this CPU may
 * use the old translation until its next TLB invalidation.
 */
public record StaleMapping() implements SimMessage {}
