package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** The zone's home -> CPU: the item, after the zone spinlock was taken and dropped. */
public record ZoneAllocated() implements SimMessage {}
