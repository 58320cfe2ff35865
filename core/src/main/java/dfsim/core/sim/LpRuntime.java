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
  /** The LP's id, kept here: asking the LP is an interface call per message. */
  private final int id;
  private final SimModel model;
  private final SplittableRandom random;
  private final Outbox outbox;
  private long now;
  private long sequence;
  private long sent;

  public LpRuntime(LogicalProcess lp, SimModel model, Outbox outbox) {
    this.lp = lp;
    this.id = lp.id();
    this.model = model;
    this.outbox = outbox;
    this.random = LpRandom.forLp(model.seed(), id);
  }

  /** Returns the LP this runtime drives. */
  public LogicalProcess lp() {
    return lp;
  }

  /** Delivers one event to the LP. The engine guarantees the total order. */
  public void deliver(long time, int source, SimMessage message) {
    if (time < now) {
      throw new CausalityViolation("LP " + id + " at t=" + now + " got an event for t="
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
    return id;
  }

  @Override
  public SplittableRandom random() {
    return random;
  }

  @Override
  public long latencyTo(int target) {
    return target == id ? 0 : model.minDelay(id, target);
  }

  @Override
  public void send(int target, long delayNs, SimMessage message) {
    if (target == id) {
      schedule(delayNs, message);
      return;
    }
    long min = model.minDelay(id, target);
    if (delayNs < min) {
      throw new CausalityViolation("LP " + id + " sent " + message.getClass().getSimpleName()
          + " to LP " + target + " with delay " + delayNs + " ns, below the link latency " + min + " ns");
    }
    sent++;
    outbox.post(now + delayNs, id, sequence++, target, message);
  }

  @Override
  public void schedule(long delayNs, SimMessage message) {
    if (delayNs < 0) {
      throw new CausalityViolation("LP " + id + " scheduled "
          + message.getClass().getSimpleName() + " " + delayNs + " ns in the past");
    }
    outbox.post(now + delayNs, id, sequence++, id, message);
  }
}
