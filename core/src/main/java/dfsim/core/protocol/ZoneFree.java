package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> the zone's home: zfree() of {@code count} items to the global list under the zone
 * spinlock; the CPU waits for {@link ZoneFreed}.
 */
public record ZoneFree(int cpu, int count) implements SimMessage {}
