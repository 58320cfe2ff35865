package dfsim.core.sim;

/** Runs a model to its end time. Every engine gives the same per-LP event order. */
public interface Engine {

  /** Returns the engine's name as the CLI spells it. */
  String name();

  /** Runs {@code model} until its end time and returns what happened. */
  EngineResult run(SimModel model);
}
