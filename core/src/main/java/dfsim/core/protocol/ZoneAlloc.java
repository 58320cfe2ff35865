package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** CPU -> the zone's home: zalloc() from the global list under the zone spinlock (vm_zone.c). */
public record ZoneAlloc(int cpu) implements SimMessage {}
