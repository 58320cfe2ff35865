package dfsim.core.actors;

import dfsim.core.actors.ClusterProtocol.CoordinatorEvent;
import dfsim.core.actors.ClusterProtocol.LocalEvent;
import dfsim.core.actors.ClusterProtocol.Refused;
import dfsim.core.actors.ClusterProtocol.Shutdown;
import dfsim.core.actors.ClusterProtocol.ShutdownAck;
import dfsim.core.actors.ClusterProtocol.WorkerCommand;
import dfsim.core.config.BadInputException;
import dfsim.core.sim.SimulationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The coordinator's side of one piece of clustered work (a run, an experiment's points): it
 * waits, boundedly, for its worker nodes to register, hands them the work, and ends it by telling
 * every worker to stop. It fails the work at once when a worker node becomes unreachable or
 * leaves, when one refuses the work, or when too few join in time.
 */
abstract class ClusterSession extends AbstractBehavior<CoordinatorEvent> {
  private record Listed(Set<ActorRef<WorkerCommand>> workers) implements LocalEvent {}

  private record NodeDown(String address) implements LocalEvent {}

  private record JoinTimeout() implements LocalEvent {}

  private record StopTimeout() implements LocalEvent {}

  /** How long the workers have to acknowledge the end before the coordinator stops without them. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(5);

  private final TimerScheduler<CoordinatorEvent> timers;
  private final int expected;
  private final Duration joinTimeout;
  /** The workers, sorted by address, once {@link #expected} of them have registered. */
  protected final List<ActorRef<WorkerCommand>> workers = new ArrayList<>();
  private final Set<ActorRef<WorkerCommand>> acked = new HashSet<>();
  private boolean stopping;
  private int seen;

  protected ClusterSession(ActorContext<CoordinatorEvent> ctx, TimerScheduler<CoordinatorEvent> timers,
      int expected, Duration joinTimeout) {
    super(ctx);
    this.timers = timers;
    this.expected = expected;
    this.joinTimeout = joinTimeout;
    ActorRef<Receptionist.Listing> listing = ctx.messageAdapter(Receptionist.Listing.class,
        l -> new Listed(l.getServiceInstances(ClusterProtocol.WORKER_KEY)));
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(ClusterProtocol.WORKER_KEY, listing));
    ActorRef<ClusterEvent.UnreachableMember> unreachable = ctx.messageAdapter(
        ClusterEvent.UnreachableMember.class, e -> new NodeDown(e.member().address().toString()));
    ActorRef<ClusterEvent.MemberRemoved> removed = ctx.messageAdapter(
        ClusterEvent.MemberRemoved.class, e -> new NodeDown(e.member().address().toString()));
    Cluster cluster = Cluster.get(ctx.getSystem());
    cluster.subscriptions().tell(Subscribe.create(unreachable, ClusterEvent.UnreachableMember.class));
    cluster.subscriptions().tell(Subscribe.create(removed, ClusterEvent.MemberRemoved.class));
    timers.startSingleTimer(new JoinTimeout(), joinTimeout);
  }

  /** The workers are known: hand them the work. */
  protected abstract void started();

  /** Adds the work's own messages to the session's. */
  protected abstract ReceiveBuilder<CoordinatorEvent> work(ReceiveBuilder<CoordinatorEvent> builder);

  /** Every worker has acknowledged the end (or the wait ran out): report the work's result. */
  protected abstract void done();

  /** The work failed with {@code e}: report it. */
  protected abstract void failed(RuntimeException e);

  /** Returns what was lost when worker {@code index}'s node went away at {@code address}. */
  protected abstract RuntimeException lost(int index, String address);

  @Override
  public final Receive<CoordinatorEvent> createReceive() {
    return work(newReceiveBuilder())
        .onMessage(Listed.class, this::onListed)
        .onMessage(NodeDown.class, this::onNodeDown)
        .onMessage(JoinTimeout.class, t -> fail(new SimulationFailure("only " + seen + " of " + expected
            + " worker nodes joined within " + joinTimeout.toSeconds() + " s")))
        .onMessage(Refused.class, r -> fail(new BadInputException("node " + hostPort(r.worker())
            + " refused the run: " + r.reason())))
        .onMessage(ShutdownAck.class, this::onAck)
        .onMessage(StopTimeout.class, t -> end())
        .build();
  }

  private Behavior<CoordinatorEvent> onListed(Listed l) {
    seen = l.workers().size();

    if (!workers.isEmpty() || stopping || l.workers().size() < expected) {
      return this;
    }
    timers.cancel(JoinTimeout.class);
    l.workers().stream().sorted(Comparator.comparing(w -> w.path().address().toString()))
        .limit(expected).forEach(workers::add);
    started();
    return this;
  }

  private Behavior<CoordinatorEvent> onNodeDown(NodeDown d) {
    for (int i = 0; i < workers.size(); i++) {
      if (workers.get(i).path().address().toString().equals(d.address()) && !stopping) {
        return fail(lost(i, hostPort(workers.get(i))));
      }
    }
    return this;
  }

  /** Ends the work: every worker is told to stop; {@link #done} follows their acknowledgements. */
  protected final Behavior<CoordinatorEvent> finish() {
    stopping = true;
    for (ActorRef<WorkerCommand> w : workers) {
      w.tell(new Shutdown(getContext().getSelf()));
    }
    timers.startSingleTimer(new StopTimeout(), STOP_WAIT);
    return workers.isEmpty() ? end() : this;
  }

  private Behavior<CoordinatorEvent> onAck(ShutdownAck a) {
    acked.add(a.worker());
    return acked.size() >= workers.size() ? end() : this;
  }

  private Behavior<CoordinatorEvent> end() {
    done();
    return Behaviors.stopped();
  }

  /** Fails the work: the remaining workers are told to stop (without waiting for them). */
  protected final Behavior<CoordinatorEvent> fail(RuntimeException e) {
    stopping = true;
    for (ActorRef<WorkerCommand> w : workers) {
      w.tell(new Shutdown(getContext().getSelf()));
    }
    failed(e);
    return Behaviors.stopped();
  }

  /** Returns a node's {@code host:port}. */
  static String hostPort(ActorRef<?> ref) {
    return ClusterNode.hostPort(ref.path().address());
  }
}
