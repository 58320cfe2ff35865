package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * Home memory LP -> CPU: a {@code TRY} request found the page busy (vm_page_lookup_busy_try()
 * failed); no lock was granted.
 */
public record ObjectPageBusy(int objectId, int pindex) implements SimMessage {}
