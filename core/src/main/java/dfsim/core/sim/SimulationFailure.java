package dfsim.core.sim;

/**
 * The simulated machine reached a state the model cannot continue from (e.g. it ran out of
 * simulated memory). Ends the run as failed with this one-line message.
 */
public final class SimulationFailure extends RuntimeException {
  public SimulationFailure(String message) {
    super(message, null, false, false);
  }
}
