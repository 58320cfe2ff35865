package dfsim.core.sim;

import java.util.SplittableRandom;

/**
 * The per-LP part of an engine: the LP's clock, its send sequence and its random stream. Both
 * engines use it so that sequence numbering and delay checks are one piece of code.
 */
public final class LpRuntime implements LpContext {
  /** Where an engine puts the events an LP creates. */
  public interface Outbox {
    void post(long time, int source, long sequence, int target, SimMessage message);
  }

  private final LogicalProcess lp;
  private final SimModel model;
  private final SplittableRandom random;
  private final Outbox outbox;
  private long now;
  private long sequence;
  private long sent;

  public LpRuntime(LogicalProcess lp, SimModel model, Outbox outbox) {
    this.lp = lp;
    this.model = model;
    this.outbox = outbox;
    this.random = LpRandom.forLp(model.seed(), lp.id());
  }

  /** Returns the LP this runtime drives. */
  public LogicalProcess lp() {
    return lp;
  }

  /** Delivers one event to the LP. The engine guarantees the total order. */
  public void deliver(long time, int source, SimMessage message) {
    if (time < now) {
      throw new CausalityViolation("LP " + lp.id() + " at t=" + now + " got an event for t="
          + time + " from LP " + source + " (" + message.getClass().getSimpleName() + ")");
    }
    now = time;
    lp.handle(message, source, this);
  }

  /** Starts the LP at time 0. */
  public void start() {
    lp.start(this);
  }

  /** Returns how many messages this LP has sent to other LPs. */
  public long sent() {
    return sent;
  }

  @Override
  public long now() {
    return now;
  }

  @Override
  public int self() {
    return lp.id();
  }

  @Override
  public SplittableRandom random() {
    return random;
  }

  @Override
  public long latencyTo(int target) {
    return target == lp.id() ? 0 : model.minDelay(lp.id(), target);
  }

  @Override
  public void send(int target, long delayNs, SimMessage message) {
    if (target == lp.id()) {
      schedule(delayNs, message);
      return;
    }
    long min = model.minDelay(lp.id(), target);
    if (delayNs < min) {
      throw new CausalityViolation("LP " + lp.id() + " sent " + message.getClass().getSimpleName()
          + " to LP " + target + " with delay " + delayNs + " ns, below the link latency " + min + " ns");
    }
    sent++;
    outbox.post(now + delayNs, lp.id(), sequence++, target, message);
  }

  @Override
  public void schedule(long delayNs, SimMessage message) {
    if (delayNs < 0) {
      throw new CausalityViolation("LP " + lp.id() + " scheduled "
          + message.getClass().getSimpleName() + " " + delayNs + " ns in the past");
    }
    outbox.post(now + delayNs, lp.id(), sequence++, lp.id(), message);
  }
}
