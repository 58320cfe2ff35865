package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** Memory LP -> CPU: the page allocated (-1: the node has none) and the queues the search probed. */
public record PageAllocated(int pfn, int scanSteps) implements SimMessage {}
