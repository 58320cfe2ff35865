package dfsim.core.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * One LP driven by hand, for tests of a home's rules without an engine: scripted arrivals and the
 * LP's own scheduled events run in time order (ties in the order given), links cost nothing, and
 * every message it sends is recorded with the instant it left.
 */
public final class ScriptedLp implements LpContext {
  /** A message the LP sent: when it left, to which LP, after what delay, and what. */
  public record Sent(long at, int lp, long delayNs, SimMessage message) {}

  private record Event(long at, long seq, SimMessage message) {}

  private final PriorityQueue<Event> events = new PriorityQueue<>(
      (x, y) -> x.at != y.at ? Long.compare(x.at, y.at) : Long.compare(x.seq, y.seq));
  private final LogicalProcess lp;
  private final List<Sent> sent = new ArrayList<>();
  private long now;
  private long seq;

  public ScriptedLp(LogicalProcess lp) {
    this.lp = lp;
  }

  /** {@code m} arrives at {@code t}. */
  public void at(long t, SimMessage m) {
    events.add(new Event(t, seq++, m));
  }

  /** Runs every event up to and including {@code end}. */
  public void runUntil(long end) {
    while (!events.isEmpty() && events.peek().at <= end) {
      step();
    }
  }

  /** Runs events while {@code more} holds and any are left. */
  public void runWhile(BooleanSupplier more) {
    while (!events.isEmpty() && more.getAsBoolean()) {
      step();
    }
  }

  private void step() {
    Event e = events.poll();
    now = e.at;
    lp.handle(e.message, 0, this);
  }

  /** Every message sent so far, in the order sent. */
  public List<Sent> sent() {
    return sent;
  }

  /** The messages of type {@code type} sent to {@code target}. */
  public List<Sent> sentTo(int target, Class<? extends SimMessage> type) {
    return sent.stream().filter(s -> s.lp == target && type.isInstance(s.message)).toList();
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
    return new SplittableRandom(1);
  }

  @Override
  public long latencyTo(int target) {
    return 0;
  }

  @Override
  public void send(int target, long delayNs, SimMessage message) {
    sent.add(new Sent(now, target, delayNs, message));
  }

  @Override
  public void schedule(long delayNs, SimMessage message) {
    at(now + delayNs, message);
  }
}
