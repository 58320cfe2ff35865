package dfsim.core.metrics;

/** The scalar per-CPU counters of metrics.json and cpus.csv, in contract order, with their JSON names. */
public enum CpuCounter {
  FAULTS("faults"),
  IPIS_SENT("ipis_sent"),
  IPIS_RECEIVED("ipis_received"),
  TLB_INVALIDATIONS("tlb_invalidations"),
  CONTEXT_SWITCHES("context_switches"),
  TOKEN_ACQUIRES("token_acquires"),
  TOKEN_CONTENDED("token_contended"),
  UMTX_SLEEPS("umtx_sleeps"),
  UMTX_WAKEUPS("umtx_wakeups"),
  UMTX_TIMEOUTS("umtx_timeouts"),
  UMTX_LOST_WAKEUPS("umtx_lost_wakeups"),
  PAGE_ALLOCS("page_allocs"),
  PAGE_ALLOC_SCAN_STEPS("page_alloc_scan_steps"),
  REMOTE_PAGES("remote_pages"),
  ZONE_ALLOCS("zone_allocs"),
  SHARED_HIT("shared_hit"),
  SHARED_MISS("shared_miss"),
  LOCK_WAIT_NS("lock_wait_ns"),
  STALE_MAPPING_NS("stale_mapping_ns"),
  /** Beyond the contract: token read(+CAS) tries, in gets and in the scheduler's retries. */
  TOKEN_TRIES("token_tries"),
  /** Beyond the contract: time the locks this CPU took were held, as seen by their home. */
  LOCK_HOLD_NS("lock_hold_ns"),
  /** Beyond the contract: vm_fault_quick() probes of vm_page_hash[] that found the page. */
  VM_PAGE_HASH_HITS("vm_page_hash_hits"),
  /** Beyond the contract: probes that missed and fell back to the object-locked fault. */
  VM_PAGE_HASH_MISSES("vm_page_hash_misses");

  private final String json;

  CpuCounter(String json) {
    this.json = json;
  }

  /** Returns the field name in metrics.json and cpus.csv. */
  public String json() {
    return json;
  }
}
