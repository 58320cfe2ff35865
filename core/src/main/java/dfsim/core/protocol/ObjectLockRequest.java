package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** CPU -> home memory LP: take VM object {@code objectId}'s lock exclusively. */
public record ObjectLockRequest(int objectId, LockIntent intent, int pindex, int count, int cpu)
    implements SimMessage {}
