package dfsim.core.actors;

import dfsim.core.actors.ClusterProtocol.CoordinatorEvent;
import dfsim.core.actors.ClusterProtocol.PointDone;
import dfsim.core.actors.ClusterProtocol.PointFailed;
import dfsim.core.actors.ClusterProtocol.RunPoint;
import dfsim.core.actors.ClusterProtocol.WorkerCommand;
import dfsim.core.config.BadInputException;
import dfsim.core.sim.SimulationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * An experiment's runs on a cluster: each run goes whole to one worker node, one at a time per
 * worker, the next to whichever worker finishes first. Which node ran a point cannot change its
 * result (every run is deterministic), so the texts come back in plan order whatever the spread.
 */
final class ClusterPoints extends ClusterSession {
  private final List<ClusterEngine.Point> points;
  private final String version;
  private final String engine;
  private final int threads;
  private final Runnable onDone;
  private final CompletableFuture<List<String>> outcome;
  private final String[] texts;
  private final StringBuilder[] partial;
  private int next;
  private int finished;

  static Behavior<CoordinatorEvent> create(List<ClusterEngine.Point> points, String version, String engine, int threads,
      int workers, Duration joinTimeout, Runnable onDone, CompletableFuture<List<String>> outcome) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new ClusterPoints(ctx, timers, points, version, engine, threads, workers, joinTimeout, onDone, outcome)));
  }

  private ClusterPoints(ActorContext<CoordinatorEvent> ctx, TimerScheduler<CoordinatorEvent> timers,
      List<ClusterEngine.Point> points, String version, String engine, int threads, int workers, Duration joinTimeout,
      Runnable onDone, CompletableFuture<List<String>> outcome) {
    super(ctx, timers, workers, joinTimeout);
    this.points = List.copyOf(points);
    this.version = version;
    this.engine = engine;
    this.threads = threads;
    this.onDone = onDone;
    this.outcome = outcome;
    this.texts = new String[points.size()];
    this.partial = new StringBuilder[points.size()];
  }

  @Override
  protected void started() {
    if (points.isEmpty()) {
      finish();
      return;
    }
    for (ActorRef<WorkerCommand> w : workers) {
      dispatch(w);
    }
  }

  private void dispatch(ActorRef<WorkerCommand> w) {
    if (next < points.size()) {
      ClusterEngine.Point p = points.get(next);
      w.tell(new RunPoint(next, p.name(), p.config(), p.hash(), version, engine, threads, getContext().getSelf()));
      next++;
    }
  }

  @Override
  protected ReceiveBuilder<CoordinatorEvent> work(ReceiveBuilder<CoordinatorEvent> b) {
    return b.onMessage(PointDone.class, this::onDone)
        .onMessage(PointFailed.class, f -> fail(f.badInput()
            ? new BadInputException(f.message())
            : new SimulationFailure(f.message() + " (on node " + hostPort(f.worker()) + ")")));
  }

  private Behavior<CoordinatorEvent> onDone(PointDone d) {
    int id = (int) d.id();
    if (partial[id] == null) {
      partial[id] = new StringBuilder();
    }
    partial[id].append(d.text());
    if (d.chunk() < d.chunks() - 1) {
      return this;
    }
    texts[id] = partial[id].toString();
    partial[id] = null;
    onDone.run();
    if (++finished == points.size()) {
      return finish();
    }
    dispatch(d.worker());
    return this;
  }

  @Override
  protected void done() {
    outcome.complete(new ArrayList<>(List.of(texts)));
  }

  @Override
  protected void failed(RuntimeException e) {
    outcome.completeExceptionally(e);
  }

  @Override
  protected RuntimeException lost(int index, String address) {
    return new NodeLost("node " + address + " was lost after " + finished + " of " + points.size()
        + " runs", 0, 0);
  }
}
