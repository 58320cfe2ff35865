package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * Home memory LP -> CPU: the lock is yours. For a fault, {@code residentPfn} is the page already
 * at {@code pindex} (or -1); for an unmap, {@code removed} are the pages taken out of the object.
 */
public record ObjectTokenGranted(int objectId, TokenIntent intent, int pindex, int residentPfn,
    int[] removed) implements SimMessage {}
