package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** Memory LP -> CPU: the page allocated, or -1 when the node has no free page. */
public record PageAllocated(int pfn) implements SimMessage {}
