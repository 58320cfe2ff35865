package dfsim.core.actors;

import dfsim.core.sim.SimMessage;
import org.apache.pekko.actor.typed.ActorRef;

/** The messages between the coordinator and the LP actors, and between LP actors. */
public final class EngineProtocol {
  private EngineProtocol() {}

  /** What an LP actor receives. */
  public sealed interface LpCommand extends CborMessage permits Init, Deliver, RunWindow, Quiesce {}

  /**
   * Worker agent -> LP actor, after the last window: answer once everything before has been
   * handled, so that the agent may read the LP's state (the answer orders the two threads).
   */
  public record Quiesce(ActorRef<ClusterProtocol.WorkerCommand> replyTo) implements LpCommand {}

  /**
   * What the coordinator receives, and a worker node's window hub ({@link WindowHub}), which
   * stands in for the coordinator towards the worker's LPs.
   */
  public sealed interface CoordinatorCommand extends CborMessage
      permits WindowDone, LpFailed, WindowsDone, RunWindows, HubStart {}

  /** Coordinator -> LP actor: its peers (indexed by LP id) and whom to report to; starts the LP. */
  public record Init(java.util.List<ActorRef<LpCommand>> peers, ActorRef<CoordinatorCommand> coordinator)
      implements LpCommand {}

  /**
   * LP actor -> LP actor: one event, in the total order's terms, sent in window round
   * {@code round} (0: when the sender started).
   */
  public record Deliver(long time, int source, long sequence, long round, SimMessage message) implements LpCommand {}

  /**
   * Coordinator -> LP actor: in window round {@code round}, process every event before
   * {@code end}, once {@code expectedReceived} messages sent in earlier rounds (counted since the
   * start) have arrived. Messages other LPs send in this same round may arrive first (between
   * JVMs they can overtake older ones); they are never needed in it, so they do not count.
   */
  public record RunWindow(long end, long expectedReceived, long round) implements LpCommand {}

  /**
   * LP actor -> coordinator: the window is done. {@code nextEvent} is the LP's earliest pending
   * event (or Long.MAX_VALUE), {@code sendBound} the earliest time it could send given no new
   * input; for each destination in {@code targets}, how many messages it sent there in this
   * window and the earliest of their times.
   */
  public record WindowDone(int lp, long nextEvent, long sendBound, long events, int[] targets,
      int[] counts, long[] minTimes) implements CoordinatorCommand {}

  /**
   * A worker's window hub -> coordinator: the reports of every LP of the worker that ran in this
   * round, in one message instead of one per LP.
   */
  public record WindowsDone(WindowDone[] done) implements CoordinatorCommand {}

  /**
   * Coordinator -> a worker's window hub: open the windows of these of its LPs, in one message
   * instead of one per LP. (The hub is addressed as a coordinator by its LPs, hence the type.)
   */
  public record RunWindows(long round, int[] lps, long[] ends, long[] expected) implements CoordinatorCommand {}

  /** Worker agent -> its window hub: the coordinator to report to. */
  public record HubStart(ActorRef<CoordinatorCommand> coordinator) implements CoordinatorCommand {}

  /** LP actor -> coordinator: the LP threw; the run fails with this error. */
  public record LpFailed(int lp, String kind, String message) implements CoordinatorCommand {}
}
