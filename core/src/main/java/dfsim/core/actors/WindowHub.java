package dfsim.core.actors;

import dfsim.core.actors.EngineProtocol.CoordinatorCommand;
import dfsim.core.actors.EngineProtocol.EpochDone;
import dfsim.core.actors.EngineProtocol.HubStart;
import dfsim.core.actors.EngineProtocol.LpCommand;
import dfsim.core.actors.EngineProtocol.LpFailed;
import dfsim.core.actors.EngineProtocol.RunEpoch;
import dfsim.core.actors.EngineProtocol.RunWindow;
import dfsim.core.actors.EngineProtocol.WindowDone;
import dfsim.core.sim.SimModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A worker node's window hub: it runs its LPs' windows itself ({@link WindowLoop}), as many as
 * fit below the bound the coordinator grants for an epoch (the earliest any other worker's
 * message could reach them), and tells the coordinator once per epoch where its LPs stand and
 * what they sent to other workers. A round trip between JVMs thus covers many windows; with one
 * worker the bound is the end of the run.
 */
final class WindowHub extends AbstractBehavior<CoordinatorCommand> {
  private final int[] ids;
  private final List<ActorRef<LpCommand>> refs;
  private final WindowLoop loop;
  private ActorRef<CoordinatorCommand> coordinator;
  private final List<CoordinatorCommand> early = new ArrayList<>();
  private long epoch;
  private long grant;
  private long local;
  private long windows;
  /** What this epoch's windows sent to other workers' LPs: per LP, the count and earliest time. */
  private final long[] sentCount;
  private final long[] sentMin;
  private final int[] touched;
  private int touchedCount;
  private final WindowLoop.Outside outside = this::sentOutside;
  private final WindowLoop.Opener opener = this::open;

  static Behavior<CoordinatorCommand> create(SimModel model, int[] ids, List<ActorRef<LpCommand>> refs) {
    return Behaviors.setup(ctx -> new WindowHub(ctx, model, ids, refs));
  }

  private WindowHub(ActorContext<CoordinatorCommand> ctx, SimModel model, int[] ids, List<ActorRef<LpCommand>> refs) {
    super(ctx);
    this.ids = ids.clone();
    this.refs = List.copyOf(refs);
    int n = model.lps().size();
    this.loop = new WindowLoop(model, ids, 0);
    this.sentCount = new long[n];
    this.sentMin = new long[n];
    Arrays.fill(sentMin, Long.MAX_VALUE);
    this.touched = new int[n];
    loop.expect(ids.length); // every LP reports once when it starts
  }

  @Override
  public Receive<CoordinatorCommand> createReceive() {
    // A type switch: the hub gets a report per woken LP.
    return new Receive<>() {
      @Override
      public Behavior<CoordinatorCommand> receiveMessage(CoordinatorCommand m) {
        if (m instanceof WindowDone d) {
          return onDone(d);
        } else if (m instanceof RunEpoch e) {
          return onRunEpoch(e);
        } else if (m instanceof HubStart s) {
          return onStart(s);
        } else if (m instanceof LpFailed f) {
          return onFailed(f);
        }
        return Behaviors.unhandled();
      }

      @Override
      public Behavior<CoordinatorCommand> receiveSignal(org.apache.pekko.actor.typed.Signal s) {
        return Behaviors.unhandled();
      }
    };
  }

  private Behavior<CoordinatorCommand> onStart(HubStart s) {
    coordinator = s.coordinator();
    // LPs may have started (and reported, or failed) before the agent's word arrived.
    List<CoordinatorCommand> held = List.copyOf(early);
    early.clear();
    for (CoordinatorCommand c : held) {
      if (c instanceof WindowDone d) {
        onDone(d);
      } else {
        coordinator.tell(c);
      }
    }
    return this;
  }

  private Behavior<CoordinatorCommand> onRunEpoch(RunEpoch e) {
    epoch = e.epoch();
    grant = e.grant();
    local = 0;
    for (int i = 0; i < e.lps().length; i++) {
      loop.received(e.lps()[i], e.counts()[i], e.minTimes()[i]);
    }
    nextWindow();
    return this;
  }

  private Behavior<CoordinatorCommand> onDone(WindowDone d) {
    if (coordinator == null) {
      early.add(d);
      return this;
    }
    if (loop.done(d, outside)) {
      if (epoch == 0) {
        report(); // the LPs' starts: epoch 0
      } else {
        nextWindow();
      }
    }
    return this;
  }

  /** Opens the next windows below the grant, or ends the epoch when none is left. */
  private void nextWindow() {
    long start = loop.merge();
    if ((local & 0x3f) == 0x3f) {
      coordinator.tell(new EngineProtocol.HubProgress(getContext().getSelf(), start, loop.events()));
    }
    if (loop.open(grant, epoch * EngineProtocol.EPOCH + local, opener) > 0) {
      local++;
      windows++;
    } else {
      report();
    }
  }

  private void open(int lp, RunWindow w) {
    refs.get(loop.place(lp)).tell(w); // refs are in the order of ids, as the loop's places
  }

  private void sentOutside(int target, int count, long minTime) {
    if (sentCount[target] == 0) {
      touched[touchedCount++] = target;
    }
    sentCount[target] += count;
    sentMin[target] = Math.min(sentMin[target], minTime);
  }

  private void report() {
    loop.merge(); // messages between the hub's own LPs, in the start's case
    int n = ids.length;
    long[] next = new long[n];
    long[] bounds = new long[n];
    for (int i = 0; i < n; i++) {
      next[i] = loop.nextEvent(ids[i]);
      bounds[i] = loop.sendBound(ids[i]);
    }
    int[] targets = new int[touchedCount];
    long[] counts = new long[touchedCount];
    long[] mins = new long[touchedCount];
    for (int i = 0; i < touchedCount; i++) {
      int t = touched[i];
      targets[i] = t;
      counts[i] = sentCount[t];
      mins[i] = sentMin[t];
      sentCount[t] = 0;
      sentMin[t] = Long.MAX_VALUE;
    }
    touchedCount = 0;
    coordinator.tell(new EpochDone(epoch, ids, next, bounds, loop.takeEvents(), windows, targets, counts, mins));
    windows = 0;
  }

  private Behavior<CoordinatorCommand> onFailed(LpFailed f) {
    if (coordinator == null) {
      early.add(f);
    } else {
      coordinator.tell(f);
    }
    return this;
  }
}
