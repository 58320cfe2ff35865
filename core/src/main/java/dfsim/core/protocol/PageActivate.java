package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** CPU -> memory LP: vm_page_activate() of a page of colour {@code colour}, under that queue's spinlock. */
public record PageActivate(int cpu, int colour) implements SimMessage {}
