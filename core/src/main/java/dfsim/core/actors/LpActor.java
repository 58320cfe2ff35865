package dfsim.core.actors;

import dfsim.core.actors.EngineProtocol.CoordinatorCommand;
import dfsim.core.actors.EngineProtocol.Deliver;
import dfsim.core.actors.EngineProtocol.Init;
import dfsim.core.actors.EngineProtocol.LpCommand;
import dfsim.core.actors.EngineProtocol.LpFailed;
import dfsim.core.actors.EngineProtocol.RunWindow;
import dfsim.core.actors.EngineProtocol.WindowDone;
import dfsim.core.sim.Event;
import dfsim.core.sim.EventQueue;
import dfsim.core.sim.LogicalProcess;
import dfsim.core.sim.LpRuntime;
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
  private final EventQueue own = new EventQueue();
  private final EventQueue remote = new EventQueue();
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
    remote.add(new Event(d.time(), d.source(), d.sequence(), id, d.message()));
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
      Event e;
      while ((e = next()) != null && e.time() < end) {
        (e == own.peek() ? own : remote).poll();
        runtime.deliver(e);
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
    long ownTime = time(own.peek());
    long remoteTime = time(remote.peek());
    long bound = ownTime == Long.MAX_VALUE ? Long.MAX_VALUE
        : Math.max(ownTime, runtime.lp().nextSendBound(ownTime));
    coordinator.tell(new WindowDone(id, Math.min(ownTime, remoteTime), Math.min(bound, remoteTime),
        events, targets, counts, minTimes));
    events = 0;
  }

  /** Returns the first pending event of both queues in the total order, or null. */
  private Event next() {
    Event a = own.peek();
    Event b = remote.peek();
    if (a == null) {
      return b;
    }
    return b == null || a.precedes(b) ? a : b;
  }

  private static long time(Event e) {
    return e == null ? Long.MAX_VALUE : e.time();
  }

  /** The LP runtime's outbox: self-events stay here, the rest go straight to the peer. */
  private void post(Event e) {
    int target = e.target();
    if (target == id) {
      own.add(e);
      return;
    }
    Registered.check(e.message(), id, target);
    if (sentTo[target]++ == 0) {
      touched[touchedCount++] = target;
    }
    minTimeTo[target] = Math.min(minTimeTo[target], e.time());
    peers.get(target).tell(new Deliver(e.time(), e.source(), e.sequence(), e.message()));
  }
}
