package dfsim.core.actors;

import dfsim.core.actors.EngineProtocol.CoordinatorCommand;
import dfsim.core.actors.EngineProtocol.Deliver;
import dfsim.core.actors.EngineProtocol.Init;
import dfsim.core.actors.EngineProtocol.LpCommand;
import dfsim.core.actors.EngineProtocol.LpFailed;
import dfsim.core.actors.EngineProtocol.RunWindow;
import dfsim.core.actors.EngineProtocol.WindowDone;
import dfsim.core.sim.EventHeap;
import dfsim.core.sim.LogicalProcess;
import dfsim.core.sim.LpRuntime;
import dfsim.core.sim.SimMessage;
import dfsim.core.sim.SimModel;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A thin actor around one LP: it keeps the LP's pending events in their total order, runs those
 * before a window's end once every message sent to it so far has arrived (message counting, not
 * time, decides), and tells the coordinator what it sent and when it could next send.
 */
final class LpActor extends AbstractBehavior<LpCommand> {
  private final LpRuntime runtime;
  private final int id;
  /** The LP's own events (self-events) and those other LPs sent it, each in the total order. */
  private final EventHeap own = new EventHeap();
  private final EventHeap remote = new EventHeap();
  private final int[] sentTo;
  private final long[] minTimeTo;
  private final int[] touched;
  private int touchedCount;
  private List<ActorRef<LpCommand>> peers;
  private ActorRef<CoordinatorCommand> coordinator;
  private long received;
  private RunWindow waiting;
  private long events;
  private boolean failed;

  static Behavior<LpCommand> create(LogicalProcess lp, SimModel model) {
    return Behaviors.setup(ctx -> new LpActor(ctx, lp, model));
  }

  private LpActor(ActorContext<LpCommand> ctx, LogicalProcess lp, SimModel model) {
    super(ctx);
    this.id = lp.id();
    int n = model.lps().size();
    this.sentTo = new int[n];
    this.minTimeTo = new long[n];
    this.touched = new int[n];
    Arrays.fill(minTimeTo, Long.MAX_VALUE);
    this.runtime = new LpRuntime(lp, model, this::post);
  }

  @Override
  public Receive<LpCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(Deliver.class, this::onDeliver)
        .onMessage(RunWindow.class, this::onRunWindow)
        .onMessage(Init.class, this::onInit)
        .build();
  }

  private Behavior<LpCommand> onInit(Init init) {
    peers = init.peers();
    coordinator = init.coordinator();
    guarded(runtime::start);
    return this;
  }

  private Behavior<LpCommand> onDeliver(Deliver d) {
    received++;
    remote.add(d.time(), d.source(), d.sequence(), id, d.message());
    if (waiting != null && received >= waiting.expectedReceived()) {
      runWindow();
    }
    return this;
  }

  private Behavior<LpCommand> onRunWindow(RunWindow w) {
    waiting = w;
    if (received >= w.expectedReceived()) {
      runWindow();
    }
    return this;
  }

  private void runWindow() {
    long end = waiting.end();
    waiting = null;
    guarded(() -> {
      while (true) {
        EventHeap h = own.firstPrecedes(remote) ? own : remote;
        long t = h.peekTime();
        if (t >= end) {
          break;
        }
        int source = h.peekSource();
        SimMessage m = h.peekMessage();
        h.pop();
        runtime.deliver(t, source, m);
        events++;
      }
    });
  }

  /** Runs LP code, then reports the window; an LP's exception fails the run, loudly. */
  private void guarded(Runnable work) {
    if (failed) {
      return;
    }
    try {
      work.run();
    } catch (RuntimeException ex) {
      failed = true;
      coordinator.tell(new LpFailed(id, ex.getClass().getSimpleName(), String.valueOf(ex.getMessage())));
      return;
    }
    report();
  }

  private void report() {
    int[] targets = new int[touchedCount];
    int[] counts = new int[touchedCount];
    long[] minTimes = new long[touchedCount];
    for (int i = 0; i < touchedCount; i++) {
      int t = touched[i];
      targets[i] = t;
      counts[i] = sentTo[t];
      minTimes[i] = minTimeTo[t];
      sentTo[t] = 0;
      minTimeTo[t] = Long.MAX_VALUE;
    }
    touchedCount = 0;
    // The LP bounds its sends from its own events; a queued message from a peer may make it
    // send at that message's time.
    long ownTime = own.peekTime();
    long remoteTime = remote.peekTime();
    long bound = ownTime == Long.MAX_VALUE ? Long.MAX_VALUE
        : Math.max(ownTime, runtime.lp().nextSendBound(ownTime));
    coordinator.tell(new WindowDone(id, Math.min(ownTime, remoteTime), Math.min(bound, remoteTime),
        events, targets, counts, minTimes));
    events = 0;
  }

  /** The LP runtime's outbox: self-events stay here, the rest go straight to the peer. */
  private void post(long time, int source, long sequence, int target, SimMessage message) {
    if (target == id) {
      own.add(time, source, sequence, target, message);
      return;
    }
    Registered.check(message, id, target);
    if (sentTo[target]++ == 0) {
      touched[touchedCount++] = target;
    }
    minTimeTo[target] = Math.min(minTimeTo[target], time);
    peers.get(target).tell(new Deliver(time, source, sequence, message));
  }
}
