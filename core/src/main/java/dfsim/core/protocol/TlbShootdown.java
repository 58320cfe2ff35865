package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> CPU: the invalidation IPI of pmap_inval_smp() (sys/platform/pc64/x86_64/pmap_inval.c):
 * invalidate {@code pages} pages (a full flush above 128) and acknowledge to {@code origin}.
 */
public record TlbShootdown(int origin, int pages) implements SimMessage {}
