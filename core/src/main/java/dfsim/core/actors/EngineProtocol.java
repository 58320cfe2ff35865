package dfsim.core.actors;

import dfsim.core.sim.SimMessage;
import org.apache.pekko.actor.typed.ActorRef;

/** The messages between the coordinator and the LP actors, and between LP actors. */
public final class EngineProtocol {
  private EngineProtocol() {}

  /** What an LP actor receives. */
  public sealed interface LpCommand extends CborMessage permits Init, Deliver, RunWindow {}

  /** What the coordinator receives. */
  public sealed interface CoordinatorCommand extends CborMessage permits WindowDone, LpFailed {}

  /** Coordinator -> LP actor: its peers (indexed by LP id) and whom to report to; starts the LP. */
  public record Init(java.util.List<ActorRef<LpCommand>> peers, ActorRef<CoordinatorCommand> coordinator)
      implements LpCommand {}

  /** LP actor -> LP actor: one event, in the total order's terms. */
  public record Deliver(long time, int source, long sequence, SimMessage message) implements LpCommand {}

  /**
   * Coordinator -> LP actor: process every event before {@code end}, once
   * {@code expectedReceived} messages from peers (counted since the start) have arrived.
   */
  public record RunWindow(long end, long expectedReceived) implements LpCommand {}

  /**
   * LP actor -> coordinator: the window is done. {@code nextEvent} is the LP's earliest pending
   * event (or Long.MAX_VALUE), {@code sendBound} the earliest time it could send given no new
   * input; for each destination in {@code targets}, how many messages it sent there in this
   * window and the earliest of their times.
   */
  public record WindowDone(int lp, long nextEvent, long sendBound, long events, int[] targets,
      int[] counts, long[] minTimes) implements CoordinatorCommand {}

  /** LP actor -> coordinator: the LP threw; the run fails with this error. */
  public record LpFailed(int lp, String kind, String message) implements CoordinatorCommand {}
}
