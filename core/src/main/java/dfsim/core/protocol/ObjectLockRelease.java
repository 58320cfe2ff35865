package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** CPU -> home memory LP: release the lock, inserting page {@code pfn} at {@code pindex} if >= 0. */
public record ObjectLockRelease(int objectId, int pindex, int pfn, int cpu) implements SimMessage {}
