package dfsim.core.program;

/** A VM object a workload maps: its id, the memory node homing it (and its lock), its size. */
public record VmObjectSpec(int id, int homeNode, int pages) {}
