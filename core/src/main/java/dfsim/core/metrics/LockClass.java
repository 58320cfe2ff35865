package dfsim.core.metrics;

/** The lock classes waiting time is attributed to (metrics.json {@code contention}). */
public enum LockClass {
  /** A VM object's lock (token / chain lock), held in the object's home memory LP. */
  VM_OBJECT("vm_object"),
  /** A free/cache page-queue spinlock of vm_page_queues[]. */
  PAGE_QUEUE("page_queue"),
  /** A zone allocator's spinlock (vm_zone.c). */
  ZONE("zone"),
  /** An LWKT pool token (lwkt_token.c). */
  TOKEN("token"),
  /** The pmap TLB-invalidation interlock (pm_active_lock, pmap_inval.c). */
  PMAP_INTERLOCK("pmap_interlock"),
  /** Waiting for the acknowledgements of TLB-invalidation IPIs (pmap_inval_smp()). */
  TLB_SHOOTDOWN("tlb_shootdown"),
  /** The process vm_map lock. */
  VM_MAP("vm_map"),
  /**
   * The userland scheduler's global lines (usched_bsd4.c, usched_dfly.c): bsd4_spin and the
   * curprocmask word that sched_yield() clears and sets.
   */
  USCHED("usched");

  private final String json;

  LockClass(String json) {
    this.json = json;
  }

  public String json() {
    return json;
  }
}
