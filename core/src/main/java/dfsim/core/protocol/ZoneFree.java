package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** CPU -> the zone's home: zfree() of {@code count} items to the global list under the zone spinlock. */
public record ZoneFree(int cpu, int count) implements SimMessage {}
