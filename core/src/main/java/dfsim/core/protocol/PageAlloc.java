package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** CPU -> memory LP: vm_page_alloc one free page from this node. */
public record PageAlloc(int cpu) implements SimMessage {}
