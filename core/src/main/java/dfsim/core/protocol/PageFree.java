package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** CPU -> memory LP: vm_page_free these pages of this node. */
public record PageFree(int[] pfns, int cpu) implements SimMessage {}
