package dfsim.core.sim;

/**
 * Thrown when a run would break the conservative-simulation contract: a message below the link
 * latency or lookahead, or an event delivered out of order. It is a bug in a model or an engine,
 * never bad user input, and ends the run as failed.
 */
public final class CausalityViolation extends RuntimeException {
  public CausalityViolation(String message) {
    super(message);
  }
}
