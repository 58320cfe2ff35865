package dfsim.core.config;

/**
 * Costs under {@code cost.}, in ns of CPU time; defaults and their sources are in core's
 * {@code reference.conf} (docs/model/costs.md).
 */
public record Costs(
    long syscallNs,
    long trapNs,
    long cpuPauseNs,
    long contextSwitchNs,
    long pageZeroNs,
    long invlpgNs,
    long tlbFlushNs,
    long ipiExtraReceiverNs,
    long vmPageLookupNs,
    long vmPageAllocNs,
    long vmPageFreeNs,
    long pmapEnterNs,
    long pmapRemoveNs,
    long zoneLockedNs,
    long zonePcpuNs,
    long pmapInterlockNs,
    long vmPageScanStepNs,
    long pageCopyNs,
    long vmMapEntryNs,
    long vmObjectAllocNs,
    long atomicNs,
    long vnodePagerLockNs,
    long forkProcNs,
    long execImageNs,
    long exitProcNs) {

  /** Reads {@code cost.*}; every cost must be >= 0. */
  public static Costs from(Settings s) {
    long max = 1_000_000_000L;
    return new Costs(
        s.durationNs("cost.syscall", 0, max),
        s.durationNs("cost.trap", 0, max),
        s.durationNs("cost.cpu-pause", 0, max),
        s.durationNs("cost.context-switch", 0, max),
        s.durationNs("cost.page-zero", 0, max),
        s.durationNs("cost.invlpg", 0, max),
        s.durationNs("cost.tlb-flush", 0, max),
        s.durationNs("cost.ipi-extra-receiver", 0, max),
        s.durationNs("cost.vm-page-lookup", 0, max),
        s.durationNs("cost.vm-page-alloc", 0, max),
        s.durationNs("cost.vm-page-free", 0, max),
        s.durationNs("cost.pmap-enter", 0, max),
        s.durationNs("cost.pmap-remove", 0, max),
        s.durationNs("cost.zone-locked", 0, max),
        s.durationNs("cost.zone-pcpu", 0, max),
        s.durationNs("cost.pmap-interlock", 0, max),
        s.durationNs("cost.vm-page-scan-step", 0, max),
        s.durationNs("cost.page-copy", 0, max),
        s.durationNs("cost.vm-map-entry", 0, max),
        s.durationNs("cost.vm-object-alloc", 0, max),
        s.durationNs("cost.atomic", 0, max),
        s.durationNs("cost.vnode-pager-lock", 0, max),
        s.durationNs("cost.fork-proc", 0, max),
        s.durationNs("cost.exec-image", 0, max),
        s.durationNs("cost.exit-proc", 0, max));
  }
}
