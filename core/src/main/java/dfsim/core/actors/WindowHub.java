package dfsim.core.actors;

import dfsim.core.actors.EngineProtocol.CoordinatorCommand;
import dfsim.core.actors.EngineProtocol.HubStart;
import dfsim.core.actors.EngineProtocol.LpCommand;
import dfsim.core.actors.EngineProtocol.LpFailed;
import dfsim.core.actors.EngineProtocol.RunWindow;
import dfsim.core.actors.EngineProtocol.RunWindows;
import dfsim.core.actors.EngineProtocol.WindowDone;
import dfsim.core.actors.EngineProtocol.WindowsDone;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The coordinator's stand-in on a worker node: the worker's LPs report to it, and it opens their
 * windows. Per window round one message goes each way between the coordinator and a worker
 * instead of one per LP, since a round trip between JVMs, not an event, is what a clustered
 * window costs. The protocol is otherwise unchanged: each LP still waits for its own message
 * count before it runs.
 */
final class WindowHub extends AbstractBehavior<CoordinatorCommand> {
  private final Map<Integer, ActorRef<LpCommand>> lps = new HashMap<>();
  private ActorRef<CoordinatorCommand> coordinator;
  private final List<CoordinatorCommand> early = new ArrayList<>();
  private final List<WindowDone> done = new ArrayList<>();
  private int pending;

  static Behavior<CoordinatorCommand> create(int[] ids, List<ActorRef<LpCommand>> refs) {
    return Behaviors.setup(ctx -> new WindowHub(ctx, ids, refs));
  }

  private WindowHub(ActorContext<CoordinatorCommand> ctx, int[] ids, List<ActorRef<LpCommand>> refs) {
    super(ctx);
    for (int i = 0; i < ids.length; i++) {
      lps.put(ids[i], refs.get(i));
    }
    pending = ids.length; // every LP reports once when it starts
  }

  @Override
  public Receive<CoordinatorCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(HubStart.class, this::onStart)
        .onMessage(RunWindows.class, this::onRunWindows)
        .onMessage(WindowDone.class, this::onDone)
        .onMessage(LpFailed.class, this::onFailed)
        .build();
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

  private Behavior<CoordinatorCommand> onRunWindows(RunWindows w) {
    pending = w.lps().length;
    for (int i = 0; i < w.lps().length; i++) {
      lps.get(w.lps()[i]).tell(new RunWindow(w.ends()[i], w.expected()[i], w.round()));
    }
    return this;
  }

  private Behavior<CoordinatorCommand> onDone(WindowDone d) {
    if (coordinator == null) {
      early.add(d);
      return this;
    }
    done.add(d);
    if (--pending == 0) {
      coordinator.tell(new WindowsDone(done.toArray(WindowDone[]::new)));
      done.clear();
    }
    return this;
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
