package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** Home memory LP -> CPU: the atomic was applied, or refused (take the lock instead). */
public record ObjectRefDone(int objectId, boolean applied) implements SimMessage {}
