package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** The zone's home -> CPU: the items are on the global list, the zone spinlock taken and dropped. */
public record ZoneFreed() implements SimMessage {}
