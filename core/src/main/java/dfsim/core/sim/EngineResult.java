package dfsim.core.sim;

/** What an engine reports about a run: events delivered and the simulated time reached. */
public record EngineResult(long events, long simulatedNs) {}
