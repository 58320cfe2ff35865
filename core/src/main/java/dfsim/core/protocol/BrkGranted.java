package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * Home memory LP -> CPU: the process's map token {@code map} is yours, for sys_obreak(). The
 * break, which the token guards (vm_dsize), was {@code oldPages} pages above its start and is now
 * {@code newPages}; {@code entryObject}: the brk entry had a VM object before the call.
 */
public record BrkGranted(int map, int oldPages, int newPages, boolean entryObject) implements SimMessage {}
