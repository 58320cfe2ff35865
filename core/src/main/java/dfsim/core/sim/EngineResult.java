package dfsim.core.sim;

/**
 * What an engine reports about a run: events delivered, the simulated time reached, how many
 * synchronisation windows it took (0 for the sequential engine, which needs none), how many
 * rounds between JVMs (a cluster's epochs) and the wall time spent waiting for a cluster's
 * workers to join (both 0 in one JVM).
 */
public record EngineResult(long events, long simulatedNs, long windows, long rounds, long joinMs) {
  /** A run in one JVM. */
  public EngineResult(long events, long simulatedNs, long windows) {
    this(events, simulatedNs, windows, 0, 0);
  }
}
