package dfsim.core.actors;

import dfsim.core.actors.EngineProtocol.CoordinatorCommand;
import dfsim.core.actors.EngineProtocol.EpochDone;
import dfsim.core.actors.EngineProtocol.LpCommand;
import dfsim.core.actors.EngineProtocol.LpFailed;
import dfsim.core.actors.EngineProtocol.RunEpoch;
import dfsim.core.sim.EngineResult;
import dfsim.core.sim.Progress;
import dfsim.core.sim.SimModel;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A cluster run's coordinator: it grants each worker's window hub ({@link WindowHub}) an epoch,
 * a bound below which no message from another worker can reach the hub's LPs, and the hub runs
 * its own windows up to it. The bound of hub H is min over LPs k on other workers of EOT(k) +
 * latency(k, H), with EOT(k) = min(k's send bound, k's earliest input time from every LP of the
 * run), so it holds whatever the hubs' LPs send each other within the epoch. The LP with the
 * least pending event always lies below its hub's bound, so every epoch makes progress; with one
 * worker the bound is the end of the run, and one epoch runs it whole.
 */
final class EpochCoordinator extends AbstractBehavior<CoordinatorCommand> {
  private final SimModel model;
  private final CompletableFuture<EngineResult> result;
  private final Progress progress;
  private final List<ActorRef<CoordinatorCommand>> hubs;
  private final int[] hubOf;
  /** Each hub's LPs. */
  private final int[][] members;
  /** latencyTo[k * hubs + h]: the least latency from LP k to any LP of hub h other than k. */
  private final long[] latencyTo;
  private final InputHorizons horizons;
  private final long minLatency;
  private final long[] nextEvent;
  private final long[] sendBound;
  /** Messages sent to each LP from other hubs that its hub has not been told of yet. */
  private final long[] pendingCount;
  private final long[] pendingMin;
  private int outstanding;
  /** Within the running epoch, per hub: the time its LPs have all reached, and their events. */
  private final long[] hubReached;
  private final long[] hubEvents;
  private long epoch;
  private long events;
  private long windows;

  static Behavior<CoordinatorCommand> create(SimModel model, List<ActorRef<CoordinatorCommand>> hubs, int[] hubOf,
      List<ActorRef<LpCommand>> lps, CompletableFuture<EngineResult> result, Progress progress) {
    return Behaviors.setup(ctx -> new EpochCoordinator(ctx, model, hubs, hubOf, lps, result, progress));
  }

  private EpochCoordinator(ActorContext<CoordinatorCommand> ctx, SimModel model,
      List<ActorRef<CoordinatorCommand>> hubs, int[] hubOf, List<ActorRef<LpCommand>> lps,
      CompletableFuture<EngineResult> result, Progress progress) {
    super(ctx);
    this.model = model;
    this.result = result;
    this.progress = progress;
    this.hubs = List.copyOf(hubs);
    this.hubOf = hubOf.clone();
    int n = model.lps().size();
    int h = hubs.size();
    members = InputHorizons.membersOf(hubOf, h, new int[n]);
    latencyTo = new long[n * h];
    Arrays.fill(latencyTo, Long.MAX_VALUE);
    long least = Long.MAX_VALUE;
    for (int k = 0; k < n; k++) {
      for (int j = 0; j < n; j++) {
        if (j != k) {
          long d = model.minDelay(k, j);
          latencyTo[k * h + hubOf[j]] = Math.min(latencyTo[k * h + hubOf[j]], d);
          least = Math.min(least, d);
        }
      }
    }
    minLatency = least == Long.MAX_VALUE ? model.lookaheadNs() : least;
    horizons = InputHorizons.of(model);
    nextEvent = new long[n];
    sendBound = new long[n];
    pendingCount = new long[n];
    pendingMin = new long[n];
    Arrays.fill(pendingMin, Long.MAX_VALUE);
    for (ActorRef<LpCommand> lp : lps) {
      ctx.watch(lp);
    }
    hubReached = new long[h];
    hubEvents = new long[h];
    outstanding = h; // each hub reports once its LPs have started (epoch 0)
  }

  @Override
  public Receive<CoordinatorCommand> createReceive() {
    // A built receive: the coordinator gets one report per hub and epoch, not one per window.
    return newReceiveBuilder()
        .onMessage(EpochDone.class, this::onEpochDone)
        .onMessage(EngineProtocol.HubProgress.class, this::onProgress)
        .onMessage(LpFailed.class, f -> fail(Coordinator.failure(f)))
        .onSignal(Terminated.class, t -> fail(Coordinator.stopped(t)))
        .build();
  }

  private Behavior<CoordinatorCommand> onEpochDone(EpochDone d) {
    for (int i = 0; i < d.lps().length; i++) {
      nextEvent[d.lps()[i]] = d.nextEvents()[i];
      sendBound[d.lps()[i]] = d.sendBounds()[i];
    }
    events += d.events();
    windows += d.windows();
    for (int i = 0; i < d.targets().length; i++) {
      int t = d.targets()[i];
      pendingCount[t] += d.counts()[i];
      pendingMin[t] = Math.min(pendingMin[t], d.minTimes()[i]);
    }
    return --outstanding == 0 ? nextEpoch() : this;
  }

  private Behavior<CoordinatorCommand> nextEpoch() {
    int n = nextEvent.length;
    long start = Long.MAX_VALUE;
    for (int k = 0; k < n; k++) {
      if (pendingMin[k] != Long.MAX_VALUE) {
        nextEvent[k] = Math.min(nextEvent[k], pendingMin[k]);
        sendBound[k] = Math.min(sendBound[k], pendingMin[k]);
      }
      start = Math.min(start, nextEvent[k]);
    }
    long endTime = model.endTimeNs();
    if (start >= endTime) {
      progress.finished(endTime, events);
      result.complete(new EngineResult(events, endTime, windows, epoch, 0));
      return Behaviors.stopped();
    }
    progress.update(start, events);
    for (int g = 0; g < hubs.size(); g++) {
      hubReached[g] = Arrays.stream(members[g]).mapToLong(k -> nextEvent[k]).min().orElse(Long.MAX_VALUE);
      hubEvents[g] = 0;
    }
    epoch++;
    long[] grant = grants();
    for (int g = 0; g < hubs.size(); g++) {
      long bound = Math.min(endTime, grant[g]);
      if (Arrays.stream(members[g]).noneMatch(k -> nextEvent[k] < bound)) {
        continue; // nothing to run below its bound: its pending messages wait for a later epoch
      }
      int[] lps = Arrays.stream(members[g]).filter(k -> pendingMin[k] != Long.MAX_VALUE).toArray();
      long[] counts = new long[lps.length];
      long[] mins = new long[lps.length];
      for (int i = 0; i < lps.length; i++) {
        counts[i] = pendingCount[lps[i]];
        mins[i] = pendingMin[lps[i]];
        pendingCount[lps[i]] = 0;
        pendingMin[lps[i]] = Long.MAX_VALUE;
      }
      outstanding++;
      hubs.get(g).tell(new RunEpoch(epoch, bound, lps, counts, mins));
    }
    return this;
  }

  /** A hub's progress within the epoch: the run has got as far as its slowest hub. */
  private Behavior<CoordinatorCommand> onProgress(EngineProtocol.HubProgress p) {
    int g = hubs.indexOf(p.hub());
    hubReached[g] = p.simulatedNs();
    hubEvents[g] = p.events();
    progress.update(Arrays.stream(hubReached).min().orElse(0), events + Arrays.stream(hubEvents).sum());
    return this;
  }

  /** Each hub's bound: the earliest any LP of another hub could send to it (see the class comment). */
  private long[] grants() {
    int n = nextEvent.length;
    int h = hubs.size();
    long[] grant = new long[h];
    Arrays.fill(grant, Long.MAX_VALUE);
    long leastBound = Long.MAX_VALUE;
    if (horizons != null) {
      horizons.prepare(sendBound);
    } else {
      for (long b : sendBound) {
        leastBound = Math.min(leastBound, b);
      }
    }
    for (int k = 0; k < n; k++) {
      long input = horizons != null ? horizons.earliestInput(k, Long.MIN_VALUE)
          : WindowLoop.saturatedAdd(leastBound, minLatency);
      long eot = Math.min(sendBound[k], input);
      if (eot == Long.MAX_VALUE) {
        continue;
      }
      for (int g = 0; g < h; g++) {
        if (g != hubOf[k] && latencyTo[k * h + g] != Long.MAX_VALUE) {
          grant[g] = Math.min(grant[g], WindowLoop.saturatedAdd(eot, latencyTo[k * h + g]));
        }
      }
    }
    return grant;
  }

  private Behavior<CoordinatorCommand> fail(RuntimeException e) {
    result.completeExceptionally(e);
    return Behaviors.stopped();
  }
}
