package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> the object's home memory LP: vm_fault_quick() probes vm_page_hash[] for page
 * {@code pindex} of object {@code objectId}, without the object's lock.
 */
public record PageHashLookup(int objectId, int pindex, int cpu) implements SimMessage {}
