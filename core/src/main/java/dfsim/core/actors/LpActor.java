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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A thin actor around one LP: it keeps the LP's pending events in their total order, runs those
 * before a window's end, and tells the coordinator what it sent and when it could next send. What
 * LPs of its own hub send it comes with the window; what LPs of other hubs (other JVMs) send it
 * comes as messages of their own, and a window waits until every one its round needs has arrived
 * (message counting, not time, decides).
 */
final class LpActor extends AbstractBehavior<LpCommand> {
  private static final int[] NONE = {};
  private static final long[] NO_TIMES = {};
  private static final Deliver[] NO_MAIL = {};
  private final LpRuntime runtime;
  private final int id;
  /** The LP's own events (self-events) and those other LPs sent it, each in the total order. */
  private final EventHeap own = new EventHeap();
  private final EventHeap remote = new EventHeap();
  private final int[] sentTo;
  private final long[] minTimeTo;
  private final int[] touched;
  private int touchedCount;
  /** What this window sent to LPs of its own hub, and to whom: it rides in the report. */
  private final ArrayList<Deliver> mail = new ArrayList<>();
  private int[] mailTo = new int[16];
  private List<ActorRef<LpCommand>> peers;
  /** Each LP's window hub (null: all share one); a message from another hub counts by epoch. */
  private int[] hubs;
  private ActorRef<CoordinatorCommand> coordinator;
  /** The messages already here that the current round needs (see {@link #neededFrom}). */
  private long received;
  /** The round of the last window this LP was given, and the rounds of messages it sends. */
  private long round;
  private RunWindow waiting;
  /** The end of the window being run; {@link #runEvents} is made once, not per window. */
  private long windowEnd;
  private final Runnable runEvents = this::runEvents;
  /** Messages already here that a later round needs: the first round that does, and their counts. */
  private long[] aheadRound = new long[4];
  private long[] aheadCount = new long[4];
  private int ahead;
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
    // A type switch instead of a built receive: its loop over cases was a sixteenth of a
    // window's cost, and an LP actor gets two or three messages per window.
    return new Receive<>() {
      @Override
      public Behavior<LpCommand> receiveMessage(LpCommand m) {
        if (m instanceof Deliver d) {
          return onDeliver(d);
        } else if (m instanceof RunWindow w) {
          return onRunWindow(w);
        } else if (m instanceof Init i) {
          return onInit(i);
        } else if (m instanceof EngineProtocol.Quiesce q) {
          q.replyTo().tell(new ClusterProtocol.Quiesced(id));
          return LpActor.this;
        }
        return Behaviors.unhandled();
      }

      @Override
      public Behavior<LpCommand> receiveSignal(Signal s) {
        return Behaviors.unhandled();
      }
    };
  }

  private Behavior<LpCommand> onInit(Init init) {
    peers = init.peers();
    hubs = init.hubs();
    coordinator = init.coordinator();
    guarded(runtime::start);
    return this;
  }

  private Behavior<LpCommand> onDeliver(Deliver d) {
    long needed = neededFrom(d);
    if (needed <= round) {
      received++;
    } else {
      countAhead(needed);
    }
    remote.add(d.time(), d.source(), d.sequence(), id, d.message());
    if (waiting != null && ready(waiting)) {
      runWindow();
    }
    return this;
  }

  /**
   * The first round whose window counts message {@code d} among those it waits for. Only LPs of
   * another hub send messages of their own (the hub's own ride in the windows), and the
   * coordinator counts them from the next epoch (a round is its epoch times
   * {@link EngineProtocol#EPOCH} plus the hub's round within it), since a hub's windows in an
   * epoch end before anything another hub sends in it can arrive.
   */
  private long neededFrom(Deliver d) {
    return (d.round() / EngineProtocol.EPOCH + 1) * EngineProtocol.EPOCH;
  }

  /**
   * Counts a message that a round after this LP's current one needs first. Which of those rounds it
   * runs next is not known yet, so each keeps its own count (there are rarely more than one or two).
   */
  private void countAhead(long r) {
    for (int i = 0; i < ahead; i++) {
      if (aheadRound[i] == r) {
        aheadCount[i]++;
        return;
      }
    }
    if (ahead == aheadRound.length) {
      aheadRound = Arrays.copyOf(aheadRound, ahead * 2);
      aheadCount = Arrays.copyOf(aheadCount, ahead * 2);
    }
    aheadRound[ahead] = r;
    aheadCount[ahead++] = 1;
  }

  private Behavior<LpCommand> onRunWindow(RunWindow w) {
    for (Deliver d : w.mail()) {
      remote.add(d.time(), d.source(), d.sequence(), id, d.message());
    }
    round = w.round();
    int kept = 0;
    for (int i = 0; i < ahead; i++) {
      if (aheadRound[i] <= round) {
        received += aheadCount[i];
      } else {
        aheadRound[kept] = aheadRound[i];
        aheadCount[kept++] = aheadCount[i];
      }
    }
    ahead = kept;
    waiting = w;
    if (ready(w)) {
      runWindow();
    }
    return this;
  }

  /** Every message {@code w}'s round needs has arrived. */
  private boolean ready(RunWindow w) {
    return received >= w.expectedReceived();
  }

  private void runWindow() {
    windowEnd = waiting.end();
    waiting = null;
    guarded(runEvents);
  }

  /** Delivers the pending events before {@link #windowEnd}, in the total order. */
  private void runEvents() {
    long end = windowEnd;
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
    int[] targets = touchedCount == 0 ? NONE : new int[touchedCount];
    int[] counts = touchedCount == 0 ? NONE : new int[touchedCount];
    long[] minTimes = touchedCount == 0 ? NO_TIMES : new long[touchedCount];
    for (int i = 0; i < touchedCount; i++) {
      int t = touched[i];
      targets[i] = t;
      counts[i] = sentTo[t];
      minTimes[i] = minTimeTo[t];
      sentTo[t] = 0;
      minTimeTo[t] = Long.MAX_VALUE;
    }
    touchedCount = 0;
    int mailed = mail.size();
    Deliver[] sent = mailed == 0 ? NO_MAIL : mail.toArray(NO_MAIL);
    int[] sentWhere = mailed == 0 ? NONE : Arrays.copyOf(mailTo, mailed);
    mail.clear();
    // The LP bounds its sends from its own events; a queued message from a peer may make it
    // send at that message's time.
    long ownTime = own.peekTime();
    long remoteTime = remote.peekTime();
    long bound = ownTime == Long.MAX_VALUE ? Long.MAX_VALUE
        : Math.max(ownTime, runtime.lp().nextSendBound(ownTime));
    coordinator.tell(new WindowDone(id, Math.min(ownTime, remoteTime), Math.min(bound, remoteTime),
        events, sentWhere, sent, targets, counts, minTimes));
    events = 0;
  }

  /**
   * The LP runtime's outbox: self-events stay here, those to LPs of this hub ride in the report
   * (one actor message fewer per event than a message of their own: the coordinator hands them
   * over with the target's next window), the rest go straight to the peer and are counted.
   */
  private void post(long time, int source, long sequence, int target, SimMessage message) {
    if (target == id) {
      own.add(time, source, sequence, target, message);
      return;
    }
    Registered.check(message, id, target);
    if (hubs == null || hubs[target] == hubs[id]) {
      if (mail.size() == mailTo.length) {
        mailTo = Arrays.copyOf(mailTo, mailTo.length * 2);
      }
      mailTo[mail.size()] = target;
      mail.add(new Deliver(time, source, sequence, round, message));
      return;
    }
    if (sentTo[target]++ == 0) {
      touched[touchedCount++] = target;
    }
    minTimeTo[target] = Math.min(minTimeTo[target], time);
    peers.get(target).tell(new Deliver(time, source, sequence, round, message));
  }
}
