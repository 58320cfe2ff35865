package dfsim.core.sim;

/**
 * How far a running simulation has got, for a reader on another thread (a progress bar, a live
 * page): the simulated time every LP has reached and the events delivered. Engines update it
 * now and then, never per event.
 */
public final class Progress {
  /** A sink for runs nobody watches. */
  public static final Progress NONE = new Progress();

  private volatile long simulatedNs;
  private volatile long events;

  public void update(long simulatedNs, long events) {
    this.simulatedNs = simulatedNs;
    this.events = events;
  }

  public long simulatedNs() {
    return simulatedNs;
  }

  public long events() {
    return events;
  }
}
