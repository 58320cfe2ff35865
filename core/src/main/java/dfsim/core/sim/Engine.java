package dfsim.core.sim;

/** Runs a model to its end time. Every engine gives the same per-LP event order. */
public interface Engine {

  /** Returns the engine's name as the CLI spells it. */
  String name();

  /** Runs {@code model} until its end time and returns what happened. */
  default EngineResult run(SimModel model) {
    return run(model, Progress.NONE);
  }

  /** Runs {@code model}, telling {@code progress} now and then how far it has got. */
  EngineResult run(SimModel model, Progress progress);

  /** Returns how many JVMs the engine runs on. */
  default int nodes() {
    return 1;
  }

  /** Returns the threads the LPs ran on, over all JVMs (1 for the sequential engine). */
  default int threads() {
    return 1;
  }

  /**
   * After {@link #run}: lets every LP close its intervals at {@code endNs} and report. The LPs
   * are in this JVM unless the engine placed them elsewhere.
   */
  default dfsim.core.metrics.RunMetrics metrics(SimModel model, int cpus, long endNs) {
    return dfsim.core.metrics.RunMetrics.collect(model.lps(), cpus, endNs);
  }
}
