package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.CpuMeter;
import dfsim.core.metrics.CpuState;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.config.Settings;
import dfsim.core.program.Op;
import dfsim.core.program.ThreadSpec;
import dfsim.core.program.VmObjectSpec;
import dfsim.core.program.WorkloadPlan;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where each CPU's time goes. A hand-built two-CPU case has its busy, spin and idle nanoseconds
 * worked out from the configured costs: what fails if the model charges a path to the wrong
 * state or forgets a cost. On the shipped workloads, a sanity check only: busy + idle + spin
 * equals the simulated time and each state's series sums to its total ({@code CpuMeter} keeps
 * this by construction, so it catches a meter that lost its state, not a model error).
 */
final class CpuTimeInvariantTest {

  private static final long SAME_DIE = 37;
  private static final long SWITCH = 333;
  private static final long END = 1_000_000;

  /**
   * CPU 1 takes pool token 0, computes 200 us under it and releases it; CPU 0 computes 10 us and
   * then wants the token (op "t"), spinning until CPU 1 lets it go, and computes 100 us (op "c").
   * Every token access is a cache-line transfer from the token's home on the same die.
   */
  @Test
  void aHandBuiltCaseSpendsExactlyTheTimeWorkedOutByHand() {
    Settings s = TestModels.settings("topology { sockets = 1, cores-per-socket = 2 }\nsim.end-time = 1ms\n"
        + "latency.same-die = " + SAME_DIE + "ns\ncost.context-switch = " + SWITCH + "ns\n");
    List<ThreadSpec> threads = List.of(new ThreadSpec(0, 0, 6, 0), new ThreadSpec(1, 1, 6, 1));
    List<List<Op>> scripts = List.of(
        List.of(new Op.Compute(10_000), new Op.Begin("t"), new Op.GetToken(0), new Op.End("t"), new Op.RelToken(0),
            new Op.Begin("c"), new Op.Compute(100_000), new Op.End("c")),
        List.of(new Op.Begin("h"), new Op.GetToken(0), new Op.Compute(200_000), new Op.RelToken(0), new Op.End("h")));
    ModelFactory.Built b = ModelFactory.build(s, topo -> new WorkloadPlan("script", "op", threads,
        List.of(new VmObjectSpec(0, 0, 16, false)), spec -> TestModels.script(scripts.get(spec.tid()).toArray(new Op[0]))));
    RunMetrics m = TestModels.run(b);

    // CPU 1: the switch to its thread, the get's two line transfers (the read, then the CAS that
    // takes the line exclusive), 200 us of work; the release writes a line it owns, at no cost.
    long busy1 = SWITCH + SAME_DIE + 200_000 + SAME_DIE;
    assertEquals(busy1, m.cpu(1).stateNs(CpuState.BUSY));
    assertEquals(0, m.cpu(1).stateNs(CpuState.SPIN));
    assertEquals(END - busy1, m.cpu(1).stateNs(CpuState.IDLE));
    assertEquals(SAME_DIE + 200_000 + SAME_DIE, TestModels.op(m, "h").totalNs());

    // CPU 0 asks at SWITCH + 10 us and reads the token held until CPU 1 releases it at
    // SWITCH + SAME_DIE + 200 us: it spins (never idles) from then on, and busy is its
    // 110 us of work, the switch and the few line transfers of the contended get.
    long asked = SWITCH + 10_000 + SAME_DIE;
    long released = SWITCH + SAME_DIE + 200_000;
    long spin0 = m.cpu(0).stateNs(CpuState.SPIN);
    long busy0 = m.cpu(0).stateNs(CpuState.BUSY);
    // (After its spinning tries it polls from lwkt_switch()'s skip loop: the read that finds the
    // token free comes within a poll round, well under a microsecond, after the release.)
    assertTrue(spin0 >= released - asked && spin0 <= released - asked + 1_000, "spin " + spin0);
    assertEquals(100_000, TestModels.op(m, "c").totalNs());
    long transfers = busy0 - SWITCH - 110_000;
    assertTrue(transfers >= 3 * SAME_DIE && transfers <= 4 * SAME_DIE, "busy beyond the work: " + transfers);
    assertEquals(END - busy0 - spin0, m.cpu(0).stateNs(CpuState.IDLE));
    assertEquals(spin0 + transfers, TestModels.op(m, "t").totalNs(), "op t = its spin + its transfers");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // the default box, shared object
      "",
      // private objects, warm-up, uneven sample interval
      "workload.fault-storm.object = private\nsim.warmup = 1ms\nmetrics.sample-interval = 7us",
      // more threads than CPUs, sleeps, long preemptible computation, fast ticks
      "workload { threads = 40, fault-storm { sleep = 50us, compute = 300us, pages-per-pass = 8 } }\nkernel.hz = 1000",
      // SMT, 2 dies per socket, one of them memoryless, threads exiting early
      "topology { sockets = 2, dies-per-socket = 2, cores-per-socket = 4, threads-per-core = 2, memoryless-dies = [1] }\n"
          + "workload { threads = 12, fault-storm { passes = 3 } }",
      // 3 sockets x 5 cores, several processes
      "topology { sockets = 3, cores-per-socket = 5 }\nworkload { processes = 3, threads = 7 }",
  })
  void busyIdleSpinAddUpToSimulatedTime(String hocon) {
    ModelFactory.Built b = ModelFactory.build(TestModels.settings("sim.end-time = 4ms\n" + hocon));
    RunMetrics m = TestModels.run(b);
    long end = b.sim().endTimeNs();
    long faults = 0;
    for (int c = 0; c < b.topology().cpus(); c++) {
      CpuMeter cpu = m.cpu(c);
      long busy = cpu.stateNs(CpuState.BUSY);
      long idle = cpu.stateNs(CpuState.IDLE);
      long spin = cpu.stateNs(CpuState.SPIN);
      assertEquals(end, busy + idle + spin, "CPU " + c + ": busy " + busy + " idle " + idle + " spin " + spin);
      for (CpuState s : CpuState.values()) {
        assertEquals(cpu.stateNs(s), Arrays.stream(cpu.stateSeries(s)).sum(), "CPU " + c + " " + s + " series");
      }
      faults += m.counter(c, CpuCounter.FAULTS);
    }
    assertTrue(faults > 0, "the workload faulted");
  }
}
