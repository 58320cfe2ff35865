package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> home memory LP: take VM object {@code objectId}'s token, exclusively or shared
 * (lwkt_gettoken() / lwkt_gettoken_shared() on {@code obj->token}). {@code busy} says what to do
 * with the page at {@code pindex}: nothing, busy it for the hold (waiting while another fault
 * has it busy), or try to busy it and fail at once if it is busy (the quick shared path before
 * 501747bf).
 */
public record ObjectTokenRequest(int objectId, TokenIntent intent, int pindex, int count, int cpu,
    boolean shared, PageBusy busy) implements SimMessage {

  /** What a fault does with the page's PG_BUSY bit. */
  public enum PageBusy { NONE, WAIT, TRY }

  /** An exclusive request that leaves the page alone. */
  public ObjectTokenRequest(int objectId, TokenIntent intent, int pindex, int count, int cpu) {
    this(objectId, intent, pindex, count, cpu, false, PageBusy.NONE);
  }
}
