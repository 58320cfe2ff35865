package dfsim.core.actors;

import dfsim.core.actors.EngineProtocol.CoordinatorCommand;
import dfsim.core.actors.EngineProtocol.Init;
import dfsim.core.actors.EngineProtocol.LpCommand;
import dfsim.core.actors.EngineProtocol.LpFailed;
import dfsim.core.actors.EngineProtocol.RunWindow;
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
 * Runs conservative windows. In each window every LP j runs its events before its horizon: its
 * earliest input time, the earliest any message (including replies to its own) could reach it
 * (see {@link InputHorizons}). On large boxes the cheaper global window end, min over LPs
 * of (earliest send + least outgoing latency), is used instead. Only LPs with events before
 * their horizon are woken. A window ends when every woken LP has
 * reported; each LP runs its next window only once it has received every message that the
 * reports say was sent to it. Nothing waits on a clock.
 */
final class Coordinator extends AbstractBehavior<CoordinatorCommand> {
  /**
   * Up to this many LPs each gets its own horizon (an O(n^2) closure per window); above it, one
   * global window end is cheaper.
   */
  private static final int PER_LP_LIMIT = 96;

  private final SimModel model;
  private final CompletableFuture<EngineResult> result;
  private final long windowSlackNs;
  private final List<ActorRef<LpCommand>> lps = new ArrayList<>();
  /** Each LP's least outgoing latency, for the global window end; null with per-LP horizons. */
  private final long[] minOut;
  private final long[] nextEvent;
  private final long[] sendBound;
  private final long[] expected;
  private final long[] incoming;
  private int outstanding;
  private long events;
  /** Per-LP horizons, or null above {@link #PER_LP_LIMIT} LPs. */
  private final InputHorizons horizons;
  private long windows;
  private final dfsim.core.sim.Progress progress;
  private final Placement placement;

  /** Where the LP actors live: spawned by the coordinator, or already on a cluster's workers. */
  interface Placement {
    /** Returns the LP actors, indexed by LP id; may spawn them as the coordinator's children. */
    List<ActorRef<LpCommand>> lps(ActorContext<CoordinatorCommand> ctx, SimModel model);

    /** Starts every LP: each gets its peers and the coordinator through an {@link Init}. */
    void init(List<ActorRef<LpCommand>> lps, ActorRef<CoordinatorCommand> coordinator);

    /** Opens LP {@code lp}'s window; it may wait for {@link #flush}. */
    default void runWindow(int lp, ActorRef<LpCommand> ref, RunWindow w) {
      ref.tell(w);
    }

    /** Sends what {@link #runWindow} held back: every window of this round is open. */
    default void flush() {}
  }

  /** The LP actors as the coordinator's children on {@code dispatcher}, in one JVM. */
  static Placement local(String dispatcher) {
    return new Placement() {
      @Override
      public List<ActorRef<LpCommand>> lps(ActorContext<CoordinatorCommand> ctx, SimModel model) {
        var props = org.apache.pekko.actor.typed.DispatcherSelector.fromConfig(dispatcher);
        List<ActorRef<LpCommand>> out = new ArrayList<>();
        for (int i = 0; i < model.lps().size(); i++) {
          out.add(ctx.spawn(LpActor.create(model.lps().get(i), model), "lp-" + i, props));
        }
        return out;
      }

      @Override
      public void init(List<ActorRef<LpCommand>> lps, ActorRef<CoordinatorCommand> coordinator) {
        for (ActorRef<LpCommand> lp : lps) {
          lp.tell(new Init(lps, coordinator));
        }
      }
    };
  }

  static Behavior<CoordinatorCommand> create(SimModel model, CompletableFuture<EngineResult> result,
      long windowSlackNs, Placement placement, dfsim.core.sim.Progress progress) {
    return Behaviors.setup(ctx -> new Coordinator(ctx, model, result, windowSlackNs, placement, progress));
  }

  private Coordinator(ActorContext<CoordinatorCommand> ctx, SimModel model,
      CompletableFuture<EngineResult> result, long windowSlackNs, Placement placement,
      dfsim.core.sim.Progress progress) {
    super(ctx);
    this.progress = progress;
    this.placement = placement;
    this.model = model;
    this.result = result;
    this.windowSlackNs = windowSlackNs;
    int n = model.lps().size();
    nextEvent = new long[n];
    sendBound = new long[n];
    expected = new long[n];
    incoming = new long[n];
    horizons = n <= PER_LP_LIMIT ? new InputHorizons(model) : null;
    minOut = horizons == null ? minOut(model) : null;
    Arrays.fill(incoming, Long.MAX_VALUE);
    lps.addAll(placement.lps(ctx, model));
    for (ActorRef<LpCommand> lp : lps) {
      ctx.watch(lp);
    }
    placement.init(List.copyOf(lps), ctx.getSelf());
    outstanding = n;
  }

  @Override
  public Receive<CoordinatorCommand> createReceive() {
    // A type switch instead of a built receive: the coordinator gets a report per woken LP.
    return new Receive<>() {
      @Override
      public Behavior<CoordinatorCommand> receiveMessage(CoordinatorCommand m) {
        if (m instanceof WindowDone d) {
          return onWindowDone(d);
        } else if (m instanceof EngineProtocol.WindowsDone batch) {
          return onWindowsDone(batch);
        } else if (m instanceof LpFailed f) {
          return onFailed(f);
        }
        return Behaviors.unhandled();
      }

      @Override
      public Behavior<CoordinatorCommand> receiveSignal(Signal s) {
        if (s instanceof Terminated t) {
          return fail(new CausalityViolation(
              "LP actor " + t.getRef().path().name() + " stopped in the middle of the run"));
        }
        return Behaviors.unhandled();
      }
    };
  }

  private Behavior<CoordinatorCommand> onWindowsDone(EngineProtocol.WindowsDone batch) {
    Behavior<CoordinatorCommand> next = this;
    for (WindowDone d : batch.done()) {
      next = onWindowDone(d);
    }
    return next;
  }

  private Behavior<CoordinatorCommand> onWindowDone(WindowDone d) {
    nextEvent[d.lp()] = d.nextEvent();
    sendBound[d.lp()] = d.sendBound();
    events += d.events();
    for (int i = 0; i < d.targets().length; i++) {
      int t = d.targets()[i];
      expected[t] += d.counts()[i];
      incoming[t] = Math.min(incoming[t], d.minTimes()[i]);
    }
    if (--outstanding > 0) {
      return this;
    }
    return nextWindow();
  }

  private Behavior<CoordinatorCommand> nextWindow() {
    int n = lps.size();
    long start = Long.MAX_VALUE;
    long globalEnd = Long.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      if (incoming[i] != Long.MAX_VALUE) {
        nextEvent[i] = Math.min(nextEvent[i], incoming[i]);
        sendBound[i] = Math.min(sendBound[i], incoming[i]);
        incoming[i] = Long.MAX_VALUE;
      }
      start = Math.min(start, nextEvent[i]);
      if (minOut != null && sendBound[i] != Long.MAX_VALUE) {
        globalEnd = Math.min(globalEnd, sendBound[i] + minOut[i]);
      }
    }
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
    boolean perLp = horizons != null;
    long wakeBelow = endTime;
    if (perLp) {
      horizons.prepare(sendBound);
      wakeBelow = Math.min(endTime, saturatedAdd(horizons.upperBound(), windowSlackNs));
    }
    for (int j = 0; j < n; j++) {
      if (nextEvent[j] >= wakeBelow) {
        continue;
      }
      long horizon = perLp ? horizons.earliestInput(j, nextEvent[j] - windowSlackNs) : globalEnd;
      horizon = Math.min(endTime, saturatedAdd(horizon, windowSlackNs));
      if (nextEvent[j] < horizon) {
        outstanding++;
        placement.runWindow(j, lps.get(j), new RunWindow(horizon, expected[j], windows));
      }
    }
    placement.flush();
    return this;
  }

  /** Returns each LP's least latency to any other LP (the lookahead if it has no peer). */
  private static long[] minOut(SimModel model) {
    int n = model.lps().size();
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      long min = Long.MAX_VALUE;
      for (int j = 0; j < n; j++) {
        if (i != j) {
          min = Math.min(min, model.minDelay(i, j));
        }
      }
      out[i] = min == Long.MAX_VALUE ? model.lookaheadNs() : min;
    }
    return out;
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return r < a ? Long.MAX_VALUE : r;
  }

  /** An LP threw: the run fails with the same kind of error the sequential engine would give. */
  private Behavior<CoordinatorCommand> onFailed(LpFailed f) {
    if (f.kind().equals(SimulationFailure.class.getSimpleName())) {
      return fail(new SimulationFailure(f.message()));
    }
    if (f.kind().equals(CausalityViolation.class.getSimpleName())) {
      return fail(new CausalityViolation(f.message()));
    }
    return fail(new IllegalStateException(f.kind() + " in LP " + f.lp() + ": " + f.message()));
  }

  private Behavior<CoordinatorCommand> fail(RuntimeException e) {
    result.completeExceptionally(e);
    return Behaviors.stopped();
  }
}
