package dfsim.core.actors;

/**
 * A node of a clustered run was lost mid-run (docs/reference.md, Clusters): the run ends with what the coordinator
 * knows, the simulated time every LP had reached and the events delivered until then.
 */
public final class NodeLost extends RuntimeException {
  private final long simulatedNs;
  private final long events;

  NodeLost(String message, long simulatedNs, long events) {
    super(message, null, false, false);
    this.simulatedNs = simulatedNs;
    this.events = events;
  }

  /** Returns the simulated time every LP had reached when the node was lost. */
  public long simulatedNs() {
    return simulatedNs;
  }

  /** Returns the events delivered by then. */
  public long events() {
    return events;
  }
}
