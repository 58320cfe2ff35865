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
}
