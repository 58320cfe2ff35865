package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> CPU: the invalidation IPI of pmap_inval_smp() (sys/platform/pc64/x86_64/pmap_inval.c):
 * invalidate {@code pages} pages (a full flush above 128) and acknowledge to {@code origin}, which
 * sent it at {@code sentNs}.
 */
public record TlbShootdown(int origin, int pages, long sentNs) implements SimMessage {
  /** Its arrow in trace.json. */
  public static final String FLOW = "ipi: tlb shootdown";
}
