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
      permits WindowDone, LpFailed, RunEpoch, EpochDone, HubProgress, HubStart {}

  /**
   * Rounds per epoch: a round is its epoch times this plus the window hub's round within it (one
   * JVM runs everything in epoch 0).
   */
  public static final long EPOCH = 1L << 32;

  /**
   * Coordinator -> LP actor: its peers (indexed by LP id), each peer's window hub (null: one hub
   * for all) and whom to report to; starts the LP.
   */
  public record Init(java.util.List<ActorRef<LpCommand>> peers, int[] hubs, ActorRef<CoordinatorCommand> coordinator)
      implements LpCommand {}

  /**
   * One event, in the total order's terms, sent in window round {@code round} (0: when the sender
   * started). To an LP of another hub it goes LP actor -> LP actor; to one of the sender's own hub
   * it rides in the sender's {@link WindowDone} and the target's next {@link RunWindow}.
   */
  public record Deliver(long time, int source, long sequence, long round, SimMessage message) implements LpCommand {}

  /**
   * Coordinator or window hub -> LP actor: in window round {@code round}, take {@code mail} (what
   * LPs of its own hub sent it since its last window), then process every event before
   * {@code end}, once the {@code expectedReceived} messages from other hubs this round needs
   * (counted since the start, those sent in earlier epochs) have arrived. Messages sent later may
   * arrive first (between JVMs they can overtake older ones); they are never needed in this
   * round, so they do not count.
   */
  public record RunWindow(long end, long expectedReceived, long round, Deliver[] mail) implements LpCommand {}

  /**
   * LP actor -> coordinator: the window is done. {@code nextEvent} is the LP's earliest pending
   * event (or Long.MAX_VALUE), {@code sendBound} the earliest time it could send given no new
   * input; {@code mail} what it sent to LPs of its own hub, {@code mailTo} to whom; for each LP of
   * another hub in {@code targets}, how many messages it sent there in this window and the
   * earliest of their times.
   */
  public record WindowDone(int lp, long nextEvent, long sendBound, long events, int[] mailTo, Deliver[] mail,
      int[] targets, int[] counts, long[] minTimes) implements CoordinatorCommand {}

  /**
   * Coordinator -> a worker's window hub: run epoch {@code epoch}, every window of the hub's LPs up
   * to {@code grant}, the earliest any message from another hub can reach them. The hub's LPs
   * {@code lps} were sent {@code counts} messages from other hubs since the hub's last epoch, the
   * earliest at {@code minTimes}. (The hub is addressed as a coordinator by its LPs, hence the type.)
   */
  public record RunEpoch(long epoch, long grant, int[] lps, long[] counts, long[] minTimes)
      implements CoordinatorCommand {}

  /**
   * A worker's window hub -> coordinator: epoch {@code epoch} is done: for each of the hub's LPs
   * {@code lps}, its earliest pending event and send bound; the events and windows run; and for
   * each LP of another hub in {@code targets}, how many messages the hub's LPs sent it and the
   * earliest of their times.
   */
  public record EpochDone(long epoch, int[] lps, long[] nextEvents, long[] sendBounds, long events, long windows,
      int[] targets, long[] counts, long[] minTimes) implements CoordinatorCommand {}

  /**
   * A worker's window hub -> coordinator, every 64 windows of an epoch, for the progress shown
   * while the epoch runs (one epoch may be the whole run): every LP of {@code hub} has run
   * everything before {@code simulatedNs}, and they have run {@code events} events in this epoch.
   */
  public record HubProgress(ActorRef<CoordinatorCommand> hub, long simulatedNs, long events)
      implements CoordinatorCommand {}

  /** Worker agent -> its window hub: the coordinator to report to. */
  public record HubStart(ActorRef<CoordinatorCommand> coordinator) implements CoordinatorCommand {}

  /** LP actor -> coordinator: the LP threw; the run fails with this error. */
  public record LpFailed(int lp, String kind, String message) implements CoordinatorCommand {}
}
