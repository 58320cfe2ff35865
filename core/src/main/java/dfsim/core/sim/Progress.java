package dfsim.core.sim;

/**
 * How far a running simulation has got, for a reader on another thread (a progress bar, a live
 * page): the simulated time every LP has reached and the events delivered. Engines update it
 * now and then, never per event, at points where no LP is running; a reader that wants more than
 * two numbers asks for a sample, and the engine's thread takes it at its next update (it may read
 * LP state there, as nothing else touches it at that moment).
 */
public final class Progress {
  /** A sink for runs nobody watches. */
  public static final Progress NONE = new Progress();

  /** Takes a sample of the model on the engine's thread. */
  @FunctionalInterface
  public interface Sampler {
    void sample(long simulatedNs, long events);
  }

  private volatile long simulatedNs;
  private volatile long events;
  private volatile Sampler sampler;
  private volatile boolean wanted;

  /** Sets who takes samples; call before the run starts. */
  public void sampleWith(Sampler s) {
    if (this == NONE) {
      throw new IllegalStateException("Progress.NONE takes no sampler");
    }
    this.sampler = s;
  }

  /** Asks the engine for a sample at its next update. */
  public void requestSample() {
    wanted = true;
  }

  /** The engine has delivered {@code events} and every LP has reached {@code simulatedNs}. */
  public void update(long simulatedNs, long events) {
    this.simulatedNs = simulatedNs;
    this.events = events;
    if (wanted) {
      Sampler s = sampler;
      if (s != null) {
        wanted = false;
        s.sample(simulatedNs, events);
      }
    }
  }

  /** The run has ended at {@code simulatedNs}: always samples, so the last sample is the end. */
  public void finished(long simulatedNs, long events) {
    wanted = true;
    update(simulatedNs, events);
  }

  public long simulatedNs() {
    return simulatedNs;
  }

  public long events() {
    return events;
  }
}
