package dfsim.core.sim;

/**
 * What an engine reports about a run: events delivered, the simulated time reached, and how
 * many synchronisation windows it took (0 for the sequential engine, which needs none).
 */
public record EngineResult(long events, long simulatedNs, long windows) {}
