package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> home memory LP: release the token (shared or exclusive, as granted), inserting page
 * {@code pfn} at {@code pindex} if >= 0, adding {@code refDelta} to the object's ref_count (a
 * reference taken or dropped under the lock), and clearing the busy bit of the page at
 * {@code pindex} if this holder set it.
 */
public record ObjectTokenRelease(int objectId, int pindex, int pfn, int cpu, boolean shared,
    int refDelta, boolean unbusy) implements SimMessage {

  /** An exclusive release with no reference change and no busy page. */
  public ObjectTokenRelease(int objectId, int pindex, int pfn, int cpu) {
    this(objectId, pindex, pfn, cpu, false, 0, false);
  }
}
