package dfsim.core.actors;

import dfsim.core.actors.EngineProtocol.CoordinatorCommand;
import dfsim.core.actors.EngineProtocol.Init;
import dfsim.core.actors.EngineProtocol.LpCommand;
import dfsim.core.actors.EngineProtocol.LpFailed;
import dfsim.core.actors.EngineProtocol.WindowDone;
import dfsim.core.sim.CausalityViolation;
import dfsim.core.sim.EngineResult;
import dfsim.core.sim.SimModel;
import dfsim.core.sim.SimulationFailure;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Runs a run's conservative windows over all its LPs ({@link WindowLoop}) up to the end time, and
 * ends the run. Nothing waits on a clock.
 */
final class Coordinator extends AbstractBehavior<CoordinatorCommand> {
  private final SimModel model;
  private final CompletableFuture<EngineResult> result;
  private final List<ActorRef<LpCommand>> lps = new ArrayList<>();
  private final WindowLoop loop;
  private final WindowLoop.Opener opener;
  private long events;
  private long windows;
  private final dfsim.core.sim.Progress progress;

  /** A coordinator whose LP actors are its children on {@code dispatcher}. */
  static Behavior<CoordinatorCommand> create(SimModel model, CompletableFuture<EngineResult> result,
      long windowSlackNs, String dispatcher, dfsim.core.sim.Progress progress) {
    return Behaviors.setup(ctx -> new Coordinator(ctx, model, result, windowSlackNs, dispatcher, progress));
  }

  private Coordinator(ActorContext<CoordinatorCommand> ctx, SimModel model,
      CompletableFuture<EngineResult> result, long windowSlackNs, String dispatcher,
      dfsim.core.sim.Progress progress) {
    super(ctx);
    this.progress = progress;
    this.model = model;
    this.result = result;
    int n = model.lps().size();
    int[] all = new int[n];
    Arrays.setAll(all, i -> i);
    loop = new WindowLoop(model, all, windowSlackNs);
    var props = org.apache.pekko.actor.typed.DispatcherSelector.fromConfig(dispatcher);
    for (int i = 0; i < n; i++) {
      ActorRef<LpCommand> lp = ctx.spawn(LpActor.create(model.lps().get(i), model), "lp-" + i, props);
      ctx.watch(lp);
      lps.add(lp);
    }
    opener = (lp, w) -> lps.get(lp).tell(w);
    List<ActorRef<LpCommand>> peers = List.copyOf(lps);
    for (ActorRef<LpCommand> lp : lps) {
      lp.tell(new Init(peers, null, ctx.getSelf()));
    }
    loop.expect(n);
  }

  @Override
  public Receive<CoordinatorCommand> createReceive() {
    // A type switch instead of a built receive: the coordinator gets a report per woken LP.
    return new Receive<>() {
      @Override
      public Behavior<CoordinatorCommand> receiveMessage(CoordinatorCommand m) {
        if (m instanceof WindowDone d) {
          return onWindowDone(d);
        } else if (m instanceof LpFailed f) {
          return onFailed(f);
        }
        return Behaviors.unhandled();
      }

      @Override
      public Behavior<CoordinatorCommand> receiveSignal(Signal s) {
        if (s instanceof Terminated t) {
          return fail(stopped(t));
        }
        return Behaviors.unhandled();
      }
    };
  }

  private Behavior<CoordinatorCommand> onWindowDone(WindowDone d) {
    // Every LP is in the one loop: nothing is sent outside it.
    return loop.done(d, NOWHERE) ? nextWindow() : this;
  }

  private static final WindowLoop.Outside NOWHERE = (target, count, minTime) -> {
    throw new IllegalStateException("LP " + target + " is outside the run");
  };

  private Behavior<CoordinatorCommand> nextWindow() {
    long start = loop.merge();
    events += loop.takeEvents();
    long endTime = model.endTimeNs();
    if (start >= endTime) {
      progress.finished(endTime, events);
      result.complete(new EngineResult(events, endTime, windows));
      return Behaviors.stopped();
    }
    // Every LP has run everything before the earliest pending event. Not every window: the
    // update's volatile writes would be a measurable part of a window of one or two events.
    if ((windows & 0x3f) == 0) {
      progress.update(start, events);
    }
    windows++;
    loop.open(endTime, windows, opener);
    return this;
  }

  private Behavior<CoordinatorCommand> onFailed(LpFailed f) {
    return fail(failure(f));
  }

  /** An LP actor stopped: the run fails. */
  static RuntimeException stopped(Terminated t) {
    return new CausalityViolation("LP actor " + t.getRef().path().name() + " stopped in the middle of the run");
  }

  /** An LP threw: the run fails with the same kind of error the sequential engine would give. */
  static RuntimeException failure(LpFailed f) {
    if (f.kind().equals(SimulationFailure.class.getSimpleName())) {
      return new SimulationFailure(f.message());
    }
    if (f.kind().equals(CausalityViolation.class.getSimpleName())) {
      return new CausalityViolation(f.message());
    }
    return new IllegalStateException(f.kind() + " in LP " + f.lp() + ": " + f.message());
  }

  private Behavior<CoordinatorCommand> fail(RuntimeException e) {
    result.completeExceptionally(e);
    return Behaviors.stopped();
  }
}
