package dfsim.core.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dfsim.core.actors.EngineProtocol.CoordinatorCommand;
import dfsim.core.actors.EngineProtocol.LpCommand;
import dfsim.core.sim.EngineResult;
import dfsim.core.sim.Progress;
import dfsim.core.sim.SequentialEngine;
import dfsim.core.sim.SimModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A cluster's epochs in one JVM: LP actors split among window hubs as workers would hold them,
 * each hub running its LPs' windows up to the bound the {@link EpochCoordinator} grants, every
 * message serialized. Each LP sees the sequential engine's events in its order, whatever the
 * split, and hubs meet once per epoch, not once per window.
 */
final class EpochTest {
  /** Dies of 4 LPs, sockets of 8 (see {@code ActorEngineTest.model}). */
  private static SimModel model(long end) {
    List<ActorEngineTest.Relay> lps = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      lps.add(new ActorEngineTest.Relay(i, 16, 0));
    }
    return new SimModel(lps, (a, b) -> a / 8 == b / 8 ? (a / 4 == b / 4 ? 20 : 70) : 150, 10, end, 11);
  }

  /** Runs {@code model} with LP i on hub {@code hubOf[i]}; returns the coordinator's result. */
  private static EngineResult run(SimModel model, int[] hubOf) throws Exception {
    return run(model, hubOf, new Progress());
  }

  private static EngineResult run(SimModel model, int[] hubOf, Progress progress) throws Exception {
    int hubs = java.util.Arrays.stream(hubOf).max().orElse(0) + 1;
    CompletableFuture<EngineResult> result = new CompletableFuture<>();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(ctx -> {
      List<ActorRef<LpCommand>> lps = new ArrayList<>();
      for (int i = 0; i < hubOf.length; i++) {
        lps.add(ctx.spawn(LpActor.create(model.lps().get(i), model), "lp-" + i));
      }
      List<ActorRef<CoordinatorCommand>> hubRefs = new ArrayList<>();
      for (int h = 0; h < hubs; h++) {
        final int hub = h;
        int[] ids = java.util.stream.IntStream.range(0, hubOf.length).filter(i -> hubOf[i] == hub).toArray();
        hubRefs.add(ctx.spawn(WindowHub.create(model, ids, ids.length == 0 ? List.of()
            : java.util.Arrays.stream(ids).mapToObj(lps::get).toList()), "hub-" + h));
      }
      ActorRef<CoordinatorCommand> coordinator = ctx.spawn(
          EpochCoordinator.create(model, hubRefs, hubOf, lps, result, progress), "coordinator");
      for (int i = 0; i < hubOf.length; i++) {
        lps.get(i).tell(new EngineProtocol.Init(List.copyOf(lps), hubOf.clone(), hubRefs.get(hubOf[i])));
      }
      for (ActorRef<CoordinatorCommand> h : hubRefs) {
        h.tell(new EngineProtocol.HubStart(coordinator));
      }
      return Behaviors.<Void>empty();
    }), "epochs", ConfigFactory.parseString("pekko.actor.serialize-messages = on")
        .withFallback(ConfigFactory.load()));
    try {
      return result.get(60, TimeUnit.SECONDS);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static List<List<String>> logs(SimModel m) {
    return m.lps().stream().map(lp -> ((ActorEngineTest.Relay) lp).log).toList();
  }

  /**
   * Splits: "sockets" (two hubs of 8), "dies" (four of 4), "odd-even" (hubs that split every
   * die, so that neighbours 20 ns apart meet only through epochs), "one" (a single hub: the
   * bound is the end, one epoch).
   */
  @ParameterizedTest
  @ValueSource(strings = {"sockets", "dies", "odd-even", "one"})
  void eachLpSeesTheSequentialOrder(String split) throws Exception {
    long end = 150_000;
    SimModel seq = model(end);
    EngineResult s = new SequentialEngine().run(seq, Progress.NONE);
    int[] hubOf = new int[16];
    for (int i = 0; i < 16; i++) {
      hubOf[i] = switch (split) {
        case "sockets" -> i / 8;
        case "dies" -> i / 4;
        case "odd-even" -> i % 2;
        default -> 0;
      };
    }
    SimModel epochs = model(end);
    EngineResult r = run(epochs, hubOf);
    assertEquals(logs(seq), logs(epochs), split);
    assertEquals(s.events(), r.events());
    assertTrue(r.windows() > 0);
    if (split.equals("one")) {
      assertEquals(1, r.rounds(), "one hub: the whole run in one epoch");
    } else {
      assertTrue(r.rounds() > 1 && r.rounds() < r.windows(), r.rounds() + " epochs, " + r.windows() + " windows");
    }
  }

  /**
   * One hub runs the whole run in one epoch; the progress still moves while it runs (the hub
   * reports every 64 windows), so a watched cluster run does not sit at 0 until its end.
   */
  @org.junit.jupiter.api.Test
  void progressMovesWithinAnEpoch() throws Exception {
    long end = 150_000;
    List<Long> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    Progress progress = new Progress();
    progress.sampleWith((t, events) -> {
      seen.add(t);
      progress.requestSample();
    });
    progress.requestSample();
    EngineResult r = run(model(end), new int[16], progress);
    assertEquals(1, r.rounds());
    assertTrue(seen.stream().anyMatch(t -> t > 0 && t < end), "samples " + seen);
    assertEquals(end, seen.get(seen.size() - 1));
  }
}
