package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** CPU -> memory LP: vm_page_alloc() of one free page of colour {@code colour} from this node. */
public record PageAlloc(int cpu, int colour) implements SimMessage {}
