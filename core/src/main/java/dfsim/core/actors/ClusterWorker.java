package dfsim.core.actors;

import dfsim.core.actors.ClusterProtocol.Assign;
import dfsim.core.actors.ClusterProtocol.Collect;
import dfsim.core.actors.ClusterProtocol.Collected;
import dfsim.core.actors.ClusterProtocol.CoordinatorLost;
import dfsim.core.actors.ClusterProtocol.Hosted;
import dfsim.core.actors.ClusterProtocol.PointDone;
import dfsim.core.actors.ClusterProtocol.PointFailed;
import dfsim.core.actors.ClusterProtocol.Quiesced;
import dfsim.core.actors.ClusterProtocol.Refused;
import dfsim.core.actors.ClusterProtocol.RunPoint;
import dfsim.core.actors.ClusterProtocol.Shutdown;
import dfsim.core.actors.ClusterProtocol.ShutdownAck;
import dfsim.core.actors.ClusterProtocol.StartLps;
import dfsim.core.actors.ClusterProtocol.WorkerCommand;
import dfsim.core.actors.ClusterProtocol.WorkerEvent;
import dfsim.core.actors.EngineProtocol.Init;
import dfsim.core.actors.EngineProtocol.LpCommand;
import dfsim.core.config.BadInputException;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.sim.LogicalProcess;
import dfsim.core.sim.SimModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The agent of a worker node: it registers with the cluster's receptionist, builds the model of
 * the configuration the coordinator ships (refusing one that resolves differently here or comes
 * from another dfsim version), hosts the LP actors of its sockets, hands their metrics back after
 * the run, and runs whole experiment points. It ends the node when the coordinator says so or is
 * lost.
 */
public final class ClusterWorker extends AbstractBehavior<WorkerCommand> {
  /** What the application gives a worker: reading shipped configurations as this node would. */
  public interface Host {
    /** Returns this node's dfsim version. */
    String version();

    /**
     * Reads a shipped configuration (config.conf's text) as this node resolves it, building its
     * model once; throws {@link BadInputException} if this node refuses it.
     */
    Shipped read(String name, String config);
  }

  /** A shipped configuration as this node read it. */
  public interface Shipped {
    /** Returns the hash of the configuration as resolved here. */
    String hash();

    /** Returns the model to host LPs of. */
    SimModel model();

    /** Returns the CPU count (the size of the metrics the LPs report into). */
    int cpus();

    /**
     * Runs the configuration whole (an experiment point) and returns its metrics.json tree and
     * kernel profile as one JSON text ({@code {"metrics": ..., "profile": {cpu: {stack: ns}}}}).
     */
    String run(String engine, int threads);
  }

  /** A configuration read here, or why this node refuses it. */
  private record Read(Shipped shipped, String refusal) {}

  /** A point ended on the point thread: its metrics.json text, a refusal or a failure. */
  private record PointResult(RunPoint point, String json, String refusal, RuntimeException failure)
      implements WorkerEvent {}

  private final Host host;
  private final Address coordinator;
  private final CompletableFuture<Integer> exit;
  private final Consumer<String> say;
  private final ExecutorService points = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "dfsim-point");
    t.setDaemon(true);
    return t;
  });
  private Shipped hosted;
  private final List<LogicalProcess> lps = new ArrayList<>();
  private final List<ActorRef<LpCommand>> refs = new ArrayList<>();
  private ActorRef<EngineProtocol.CoordinatorCommand> hub;
  private Collect collecting;
  private int quiesced;
  private boolean ending;

  static Behavior<WorkerCommand> create(Host host, Address coordinator, CompletableFuture<Integer> exit,
      Consumer<String> say) {
    return Behaviors.setup(ctx -> new ClusterWorker(ctx, host, coordinator, exit, say));
  }

  private ClusterWorker(ActorContext<WorkerCommand> ctx, Host host, Address coordinator,
      CompletableFuture<Integer> exit, Consumer<String> say) {
    super(ctx);
    this.host = host;
    this.coordinator = coordinator;
    this.exit = exit;
    this.say = say;
    ctx.getSystem().receptionist().tell(Receptionist.register(ClusterProtocol.WORKER_KEY, ctx.getSelf()));
    ActorRef<ClusterEvent.UnreachableMember> reach = ctx.messageAdapter(ClusterEvent.UnreachableMember.class,
        e -> new CoordinatorLost(e.member().address().toString()));
    ActorRef<ClusterEvent.MemberRemoved> removed = ctx.messageAdapter(ClusterEvent.MemberRemoved.class,
        e -> new CoordinatorLost(e.member().address().toString()));
    Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(reach, ClusterEvent.UnreachableMember.class));
    Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(removed, ClusterEvent.MemberRemoved.class));
  }

  @Override
  public Receive<WorkerCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(Assign.class, this::onAssign)
        .onMessage(StartLps.class, this::onStart)
        .onMessage(Collect.class, this::onCollect)
        .onMessage(Quiesced.class, this::onQuiesced)
        .onMessage(Shutdown.class, this::onShutdown)
        .onMessage(RunPoint.class, this::onRunPoint)
        .onMessage(PointResult.class, this::onPointResult)
        .onMessage(CoordinatorLost.class, this::onLost)
        .onSignal(PostStop.class, s -> {
          points.shutdownNow();
          return this;
        })
        .build();
  }

  /** Reads a shipped configuration, refusing another version or a different hash here. */
  private Read read(String name, String config, String hash, String version) {
    if (!version.equals(host.version())) {
      return new Read(null, "dfsim version " + host.version() + " here, " + version + " on the coordinator");
    }
    Shipped shipped;
    try {
      shipped = host.read(name, config);
    } catch (BadInputException e) {
      return new Read(null, "the configuration is refused here: " + e.getMessage());
    }
    if (!shipped.hash().equals(hash)) {
      return new Read(null, "the configuration resolves to hash " + shipped.hash().substring(0, 12) + " here, "
          + hash.substring(0, 12) + " on the coordinator");
    }
    return new Read(shipped, null);
  }

  private Behavior<WorkerCommand> refuse(ActorRef<ClusterProtocol.CoordinatorEvent> to, String why) {
    to.tell(new Refused(getContext().getSelf(), why));
    say.accept("refused the run: " + why);
    ending = true;
    exit.complete(ClusterNode.EXIT_BAD_INPUT);
    return this;
  }

  private Behavior<WorkerCommand> onAssign(Assign a) {
    Read r = read("node", a.config(), a.hash(), a.version());
    if (r.refusal() != null) {
      return refuse(a.replyTo(), r.refusal());
    }
    hosted = r.shipped();
    SimModel model = hosted.model();
    var props = DispatcherSelector.fromConfig(ActorEngine.DISPATCHER);
    for (int id : a.lps()) {
      LogicalProcess lp = model.lps().get(id);
      lps.add(lp);
      refs.add(getContext().spawn(LpActor.create(lp, model), "lp-" + id, props));
    }
    hub = getContext().spawn(WindowHub.create(model, a.lps(), List.copyOf(refs)), "hub", props);
    a.replyTo().tell(new Hosted(getContext().getSelf(), a.lps(), List.copyOf(refs), hub,
        ActorEngine.threadsOf(getContext().getSystem().settings().config())));
    return this;
  }

  private Behavior<WorkerCommand> onStart(StartLps s) {
    hub.tell(new EngineProtocol.HubStart(s.coordinator()));
    for (ActorRef<LpCommand> lp : refs) {
      lp.tell(new Init(s.peers(), s.hubs(), hub));
    }
    return this;
  }

  private Behavior<WorkerCommand> onCollect(Collect c) {
    collecting = c;
    quiesced = 0;
    for (ActorRef<LpCommand> lp : refs) {
      lp.tell(new EngineProtocol.Quiesce(getContext().getSelf()));
    }
    if (refs.isEmpty()) {
      sendMetrics();
    }
    return this;
  }

  private Behavior<WorkerCommand> onQuiesced(Quiesced q) {
    if (++quiesced == refs.size()) {
      sendMetrics();
    }
    return this;
  }

  /** Every hosted LP has answered after its last window: its state is safe to read here. */
  private void sendMetrics() {
    RunMetrics metrics = RunMetrics.collect(lps, hosted == null ? 0 : hosted.cpus(), collecting.endNs());
    List<RunMetrics.Part> parts = metrics.parts();
    for (int i = 0; i < parts.size(); i++) {
      collecting.replyTo().tell(new Collected(getContext().getSelf(), parts.get(i), i == parts.size() - 1));
    }
  }

  private Behavior<WorkerCommand> onShutdown(Shutdown s) {
    ending = true;
    s.replyTo().tell(new ShutdownAck(getContext().getSelf()));
    exit.complete(ClusterNode.EXIT_OK);
    return this;
  }

  /** Reads and runs a point on the point thread, so that the agent stays responsive meanwhile. */
  private Behavior<WorkerCommand> onRunPoint(RunPoint p) {
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
      Read r = read(p.name(), p.config(), p.hash(), p.version());
      return r.refusal() != null ? new PointResult(p, null, r.refusal(), null)
          : new PointResult(p, r.shipped().run(p.engine(), p.threads()), null, null);
    }, points), (result, failure) -> result != null ? result : new PointResult(p, null, null,
        failure.getCause() instanceof RuntimeException e ? e : new IllegalStateException(String.valueOf(failure))));
    return this;
  }

  private Behavior<WorkerCommand> onPointResult(PointResult r) {
    RunPoint p = r.point();
    if (r.refusal() != null) {
      return refuse(p.replyTo(), r.refusal());
    }
    if (r.failure() != null) {
      p.replyTo().tell(new PointFailed(getContext().getSelf(), p.id(), String.valueOf(r.failure().getMessage()),
          r.failure() instanceof BadInputException));
      return this;
    }
    List<String> chunks = ClusterProtocol.chunks(r.json());
    for (int i = 0; i < chunks.size(); i++) {
      p.replyTo().tell(new PointDone(getContext().getSelf(), p.id(), i, chunks.size(), chunks.get(i)));
    }
    return this;
  }

  private Behavior<WorkerCommand> onLost(CoordinatorLost l) {
    if (!ending && l.address().equals(coordinator.toString())) {
      ending = true;
      say.accept("lost the coordinator at " + ClusterNode.hostPort(coordinator) + "; this node stops");
      exit.complete(ClusterNode.EXIT_RUN_FAILED);
    }
    return this;
  }
}
