package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> home memory LP: change ref_count by {@code delta} with an atomic op on its cache line
 * and no lock (vm_object_reference_quick(); vm_object_deallocate() above 3 refs from 501747bf).
 * A drop that would leave 3 or fewer is refused: the CPU must take the lock. A delta of 0 is a
 * plain atomic on the line (vm_page_hold()/unhold() on the object's page).
 */
public record ObjectRef(int objectId, int delta, int cpu) implements SimMessage {}
