package dfsim.core.actors;

import dfsim.core.actors.ClusterProtocol.Assign;
import dfsim.core.actors.ClusterProtocol.Collect;
import dfsim.core.actors.ClusterProtocol.Collected;
import dfsim.core.actors.ClusterProtocol.CoordinatorEvent;
import dfsim.core.actors.ClusterProtocol.Hosted;
import dfsim.core.actors.ClusterProtocol.LocalEvent;
import dfsim.core.actors.ClusterProtocol.StartLps;
import dfsim.core.actors.ClusterProtocol.WorkerCommand;
import dfsim.core.actors.EngineProtocol.CoordinatorCommand;
import dfsim.core.actors.EngineProtocol.LpCommand;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.sim.EngineResult;
import dfsim.core.sim.Progress;
import dfsim.core.sim.SimModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One simulation on a cluster: worker w hosts sockets [w*S/W, (w+1)*S/W) (whole sockets, so that
 * the tightly coupled LPs of a socket share a JVM), each worker's window hub runs its LPs'
 * windows up to the bounds the {@link EpochCoordinator} here grants, and at the end every worker
 * ships what its LPs measured, one CPU per message, to be merged into the same metrics one JVM
 * gives.
 */
final class ClusterRun extends ClusterSession {
  /** What a clustered run gives: the engine's result and the merged metrics. */
  /** How the run ended, its metrics, and the dispatcher threads of all workers together. */
  record Outcome(EngineResult result, RunMetrics metrics, int threads) {}

  /** The resolved configuration the workers build the model from, and each socket's LPs. */
  record Shipment(String config, String hash, String version, int cpus, int[][] socketLps) {}

  private record WindowsEnded(EngineResult result, Throwable failure) implements LocalEvent {}

  private final SimModel model;
  private final Shipment shipment;
  private final Progress progress;
  private final CompletableFuture<Outcome> outcome;
  private final java.util.function.Consumer<String> say;
  private final List<ActorRef<LpCommand>> lps;
  /** Each worker's window hub, and the hub of each LP. */
  private final List<ActorRef<CoordinatorCommand>> hubs = new ArrayList<>();
  private final int[] hubOf;
  private int hosted;
  /** The dispatcher threads of the workers that have hosted their LPs. */
  private int threads;
  private int collected;
  private EngineResult result;
  /** When the run began, and how long its workers took to join and host their LPs. */
  private final long startNs = System.nanoTime();
  private long joinMs;
  private RunMetrics metrics;

  static Behavior<CoordinatorEvent> create(SimModel model, Shipment shipment, int workers, Duration joinTimeout,
      Progress progress, CompletableFuture<Outcome> outcome, java.util.function.Consumer<String> say) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new ClusterRun(ctx, timers, model, shipment, workers, joinTimeout, progress, outcome, say)));
  }

  private ClusterRun(ActorContext<CoordinatorEvent> ctx, TimerScheduler<CoordinatorEvent> timers, SimModel model,
      Shipment shipment, int workers, Duration joinTimeout, Progress progress, CompletableFuture<Outcome> outcome,
      java.util.function.Consumer<String> say) {
    super(ctx, timers, workers, joinTimeout);
    this.say = say;
    this.model = model;
    this.shipment = shipment;
    this.progress = progress;
    this.outcome = outcome;
    this.lps = new ArrayList<>(java.util.Collections.nCopies(model.lps().size(), null));
    this.hubOf = new int[model.lps().size()];
  }

  /** Returns the sockets worker {@code w} of {@code workers} hosts. */
  static int[] sockets(int w, int workers, int sockets) {
    int from = w * sockets / workers;
    int to = (w + 1) * sockets / workers;
    int[] out = new int[to - from];
    Arrays.setAll(out, i -> from + i);
    return out;
  }

  private static String socketsText(int[] s) {
    return s.length == 1 ? "socket " + s[0] : "sockets " + s[0] + "-" + s[s.length - 1];
  }

  @Override
  protected void started() {
    int sockets = shipment.socketLps().length;
    for (int w = 0; w < workers.size(); w++) {
      int[] ids = Arrays.stream(sockets(w, workers.size(), sockets))
          .flatMap(s -> Arrays.stream(shipment.socketLps()[s])).toArray();
      workers.get(w).tell(new Assign(shipment.config(), shipment.hash(), shipment.version(), ids,
          getContext().getSelf()));
    }
  }

  @Override
  protected ReceiveBuilder<CoordinatorEvent> work(ReceiveBuilder<CoordinatorEvent> b) {
    return b.onMessage(Hosted.class, this::onHosted)
        .onMessage(WindowsEnded.class, this::onWindowsEnded)
        .onMessage(Collected.class, this::onCollected);
  }

  private Behavior<CoordinatorEvent> onHosted(Hosted h) {
    int hubIndex = hubs.size();
    hubs.add(h.hub());
    threads += h.threads();
    for (int i = 0; i < h.lps().length; i++) {
      lps.set(h.lps()[i], h.refs().get(i));
      hubOf[h.lps()[i]] = hubIndex;
    }
    if (++hosted < workers.size()) {
      return this;
    }
    if (lps.contains(null)) {
      return fail(new IllegalStateException("LP " + lps.indexOf(null) + " is hosted by no worker"));
    }
    StringBuilder formed = new StringBuilder("cluster formed: coordinator "
        + ClusterNode.hostPort(org.apache.pekko.cluster.typed.Cluster.get(getContext().getSystem()).selfMember().address())
        + "; workers");
    for (int w = 0; w < workers.size(); w++) {
      formed.append(w == 0 ? " " : ", ").append(hostPort(workers.get(w))).append(" (")
          .append(socketsText(sockets(w, workers.size(), shipment.socketLps().length))).append(')');
    }
    say.accept(formed.toString());
    joinMs = (System.nanoTime() - startNs) / 1_000_000;
    CompletableFuture<EngineResult> windows = new CompletableFuture<>();
    ActorRef<CoordinatorCommand> coordinator = getContext().spawn(
        EpochCoordinator.create(model, hubs, hubOf, List.copyOf(lps), windows, progress), "coordinator");
    for (ActorRef<WorkerCommand> w : workers) {
      w.tell(new StartLps(List.copyOf(lps), hubOf.clone(), coordinator));
    }
    getContext().pipeToSelf(windows, WindowsEnded::new);
    return this;
  }

  private Behavior<CoordinatorEvent> onWindowsEnded(WindowsEnded e) {
    if (e.failure() != null) {
      Throwable f = e.failure() instanceof java.util.concurrent.CompletionException c ? c.getCause() : e.failure();
      return fail(f instanceof RuntimeException r ? r : new IllegalStateException(f));
    }
    EngineResult r = e.result();
    result = new EngineResult(r.events(), r.simulatedNs(), r.windows(), r.rounds(), joinMs);
    metrics = new RunMetrics(shipment.cpus());
    for (ActorRef<WorkerCommand> w : workers) {
      w.tell(new Collect(result.simulatedNs(), getContext().getSelf()));
    }
    return this;
  }

  private Behavior<CoordinatorEvent> onCollected(Collected c) {
    metrics.merge(c.part());
    if (c.last() && ++collected == workers.size()) {
      return finish();
    }
    return this;
  }

  @Override
  protected void done() {
    outcome.complete(new Outcome(result, metrics, threads));
  }

  @Override
  protected void failed(RuntimeException e) {
    outcome.completeExceptionally(e);
  }

  @Override
  protected RuntimeException lost(int index, String address) {
    String which = socketsText(sockets(index, workers.size(), shipment.socketLps().length));
    return new NodeLost("node " + address + " (" + which + ") was lost at simulated time "
        + progress.simulatedNs() + " ns", progress.simulatedNs(), progress.events());
  }
}
