package dfsim.memory;

/** One token event at an object's home: a grant or release, shared or exclusive, of an object to a CPU. */
public record TokenEvent(long time, int objectId, int cpu, boolean shared, boolean grant) {}
