package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.config.Costs;
import dfsim.core.config.Settings;
import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.CpuState;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.program.Op;
import dfsim.core.program.ThreadSpec;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.topology.LpLayout;
import dfsim.core.topology.Topology;
import dfsim.scheduler.LwktSchedulerLp;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * lwkt_gettoken() as sys/kern/lwkt_token.c does it: one read(+CAS), then token-spin
 * read-then-CAS tries each followed by token-delay ns (one cpu_pause when 0), then the thread
 * switches away. Thread A (socket 0) holds token 1 (homed on socket 1) for a long time; thread B
 * on socket 1 asks for it. B's spin, its tries and the instant it gives up (D1) follow the settings
 * exactly, and each read costs the line's transfer from A's CPU. lwkt_switch() then retries the
 * head's token with the same spin (lwkt_getalltokens) and, that failing too (D2), strict-rr runs
 * B's CPU's other thread while fairq spins on the blocked head.
 */
final class LwktTokenTest {
  private static final int TOKEN = 1;
  private static final long B_COMPUTE = 200;

  private record Outcome(RunMetrics metrics, long giveUp, long switchAway, long spin, long start, long roundTripB,
      long roundTripA, long cs) {}

  /**
   * Runs with B on CPU 2 (socket 1) and A on {@code cpuA}, to {@code endOffset} past the instant
   * B gave up in gettoken ({@code secondRound}: past lwkt_switch()'s retry).
   */
  private static Outcome run(int cpuA, int spin, long delayNs, String scheduler, long endOffset, boolean secondRound) {
    String base = "topology { sockets = 2, cores-per-socket = 2 }\n"
        + "kernel.lwkt { token-spin = " + spin + ", token-delay = " + delayNs + "ns, scheduler = " + scheduler + " }\n";
    Settings probe = TestModels.settings(base + "sim.end-time = 1ms");
    Topology topo = Topology.from(probe, 10);
    LpLayout layout = new LpLayout(topo);
    int cpuB = 2;
    long start = LwktSchedulerLp.startTimeNs(topo.latencies());
    long l = layout.between(cpuB, layout.tokenHomeLp(TOKEN));
    long x = topo.transferNs(cpuA, cpuB);
    long w = delayNs > 0 ? delayNs : Costs.from(probe).cpuPauseNs();
    long spinNs = (1 + spin) * x + spin * w;
    long cs = Costs.from(probe).contextSwitchNs();
    // B's thread runs after a switch from idle, computes, asks; the home answers "held" at once.
    long giveUp = start + cs + B_COMPUTE + 2 * l + spinNs;
    long switchAway = giveUp + 2 * l + spinNs;
    long end = (secondRound ? switchAway : giveUp) + endOffset;
    Settings s = TestModels.settings(base + "sim.end-time = " + end + "ns");
    ModelFactory.Built built = ModelFactory.build(s, t -> new WorkloadPlan("script", "op",
        List.of(new ThreadSpec(0, 0, 10, cpuA), new ThreadSpec(1, 0, 10, cpuB), new ThreadSpec(2, 0, 10, cpuB)),
        List.of(),
        spec -> switch (spec.tid()) {
          case 0 -> TestModels.script(new Op.GetToken(TOKEN), new Op.Compute(1_000_000_000L), new Op.RelToken(TOKEN));
          case 1 -> TestModels.script(new Op.Compute(B_COMPUTE), new Op.GetToken(TOKEN), new Op.RelToken(TOKEN));
          default -> TestModels.script(new Op.Compute(1_000_000_000L));
        }));
    return new Outcome(TestModels.run(built), giveUp, switchAway, spinNs, start, 2 * l,
        2 * layout.between(cpuA, layout.tokenHomeLp(TOKEN)), cs);
  }

  @ParameterizedTest(name = "spin {1}, delay {2}ns, A on CPU {0}")
  @CsvSource({"0, 0, 0", "0, 1, 0", "0, 5, 0", "0, 5, 100", "0, 20, 1000", "3, 5, 0", "3, 20, 1000"})
  void spinTriesAndDeschedulePointFollowTheSettings(int cpuA, int spin, long delayNs) {
    int b = 2;
    RunMetrics gave = run(cpuA, spin, delayNs, "strict-rr", 1, false).metrics();
    long s = run(cpuA, spin, delayNs, "strict-rr", 1, false).spin();
    assertEquals(s, gave.cpu(b).stateNs(CpuState.SPIN), "B spins exactly (1+spin)*x + spin*w");
    assertEquals(1 + spin, gave.counter(b, CpuCounter.TOKEN_TRIES));
    assertEquals(1, gave.counter(b, CpuCounter.TOKEN_CONTENDED));
    assertEquals(1, gave.counter(b, CpuCounter.CONTEXT_SWITCHES), "still on B's thread, in lwkt_switch");
    assertEquals(0, run(cpuA, spin, delayNs, "strict-rr", 0, false).metrics().counter(b, CpuCounter.TOKEN_TRIES),
        "not given up before D1 (tries are counted when the get gives up)");

    RunMetrics switched = run(cpuA, spin, delayNs, "strict-rr", 1, true).metrics();
    assertEquals(2 * s, switched.cpu(b).stateNs(CpuState.SPIN));
    assertEquals(2 * (1 + spin), switched.counter(b, CpuCounter.TOKEN_TRIES));
    assertEquals(2, switched.counter(b, CpuCounter.TOKEN_CONTENDED));
    assertEquals(0, switched.counter(b, CpuCounter.TOKEN_ACQUIRES));
    assertEquals(2, switched.counter(b, CpuCounter.CONTEXT_SWITCHES), "strict-rr runs the other thread at D2");
    assertEquals(1, run(cpuA, spin, delayNs, "strict-rr", 0, true).metrics().counter(b, CpuCounter.CONTEXT_SWITCHES),
        "not before D2");
  }

  /**
   * The kernel profile of the two busy CPUs, worked out by hand to the instant B gives up (+1 ns):
   * both idle until the threads start, switch to them, then A's get is granted after its round
   * trip to the token's home and A computes holding it; B computes, asks (its round trip), spins
   * its tries under lwkt_gettoken and, at the last nanosecond, is in lwkt_switch.
   */
  @ParameterizedTest(name = "spin {1}, delay {2}ns, A on CPU {0}")
  @CsvSource({"0, 5, 0", "3, 20, 1000"})
  void theProfileOfBothCpusIsWorkedOutByHand(int cpuA, int spin, long delayNs) {
    Outcome o = run(cpuA, spin, delayNs, "strict-rr", 1, false);
    long end = o.giveUp() + 1;
    long aStart = o.start() + o.cs() + o.roundTripA();
    assertEquals(java.util.Map.of("idle", o.start(), "lwkt_switch", o.cs(), "lwkt_gettoken", o.roundTripA(),
        "user", end - aStart), o.metrics().cpu(cpuA).profileFolded());
    assertEquals(java.util.Map.of("idle", o.start(), "lwkt_switch", o.cs() + 1, "user", B_COMPUTE,
        "lwkt_gettoken", o.roundTripB(), "lwkt_gettoken;spin:token", o.spin()), o.metrics().cpu(2).profileFolded());
    // A CPU with no thread idles throughout.
    assertEquals(java.util.Map.of("idle", end), o.metrics().cpu(1).profileFolded());
  }

  @ParameterizedTest(name = "spin {0}")
  @CsvSource({"0", "5"})
  void transferFollowsDistance(int spin) {
    RunMetrics cross = run(0, spin, 0, "strict-rr", 1, false).metrics();
    RunMetrics same = run(3, spin, 0, "strict-rr", 1, false).metrics();
    assertEquals((1 + spin) * (150 - 20), cross.cpu(2).stateNs(CpuState.SPIN) - same.cpu(2).stateNs(CpuState.SPIN));
  }

  @ParameterizedTest(name = "spin {0}")
  @CsvSource({"0", "5"})
  void fairqSpinsOnTheBlockedHeadWhileStrictRrRunsTheOtherThread(int spin) {
    Outcome fairq = run(0, spin, 0, "fairq", 200_000, true);
    Outcome strict = run(0, spin, 0, "strict-rr", 200_000, true);
    int b = 2;
    assertEquals(1, fairq.metrics().counter(b, CpuCounter.CONTEXT_SWITCHES), "fairq never leaves the head");
    long fairqSpin = fairq.metrics().cpu(b).stateNs(CpuState.SPIN);
    assertTrue(fairqSpin > 190_000, "fairq spins in the skip loop: " + fairqSpin);
    assertEquals(2 * strict.spin(), strict.metrics().cpu(b).stateNs(CpuState.SPIN),
        "strict-rr spins only in the get and the switch's retry");
  }
}
