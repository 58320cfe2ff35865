package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** Home memory LP -> CPU: the soft-busied page vm_page_hash_get() found, or -1 on a miss. */
public record PageHashResult(int pfn) implements SimMessage {}
