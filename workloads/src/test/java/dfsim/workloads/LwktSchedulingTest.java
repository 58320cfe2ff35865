package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.config.Settings;
import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.CpuState;
import dfsim.core.metrics.OpStats;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.program.Op;
import dfsim.core.program.Program;
import dfsim.core.program.ThreadSpec;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.topology.Latencies;
import dfsim.scheduler.LwktSchedulerLp;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The per-CPU LWKT run queue: equal priorities round-robin on the kernel.hz tick (strict-rr,
 * lwkt_schedulerclock() from 85946b6c) and never under fairq (its clock does nothing before
 * 85946b6c), a higher priority runs first, and a thread that blocks gives the CPU to the next
 * runnable thread.
 */
final class LwktSchedulingTest {

  /** A thread computing in 100 us slices forever, counting each slice as an op named after it. */
  private static Program slices(String name) {
    return new Program() {
      private int step;

      @Override
      public Op next(long now, SplittableRandom random) {
        return switch (step++ % 3) {
          case 0 -> new Op.Begin(name);
          case 1 -> new Op.Compute(100_000);
          default -> new Op.End(name);
        };
      }
    };
  }

  private static RunMetrics oneCpu(List<ThreadSpec> threads, java.util.function.Function<ThreadSpec, Program> programs) {
    return oneCpu("strict-rr", threads, programs);
  }

  private static RunMetrics oneCpu(String scheduler, List<ThreadSpec> threads,
      java.util.function.Function<ThreadSpec, Program> programs) {
    Settings s = TestModels.settings("topology { sockets = 1, cores-per-socket = 1 }\n"
        + "sim.end-time = 100ms\nkernel.hz = 100\nkernel.lwkt.scheduler = " + scheduler);
    return TestModels.run(ModelFactory.build(s, topo ->
        new WorkloadPlan("script", "slice", threads, List.of(), programs::apply)));
  }

  @Test
  void equalPrioritiesShareTheCpuRoundRobinOnTheTick() {
    RunMetrics m = oneCpu(List.of(new ThreadSpec(0, 0, 6, 0), new ThreadSpec(1, 0, 6, 0)),
        spec -> slices("t" + spec.tid()));
    OpStats a = m.cpu(0).ops().get("t0");
    OpStats b = m.cpu(0).ops().get("t1");
    // 100 ms at hz = 100: ten 10 ms quanta, five each, less switch costs.
    assertTrue(Math.abs(a.count() - b.count()) <= 100, a.count() + " vs " + b.count());
    assertTrue(a.count() + b.count() >= 990, "the CPU never idles: " + (a.count() + b.count()));
    long switches = m.counter(0, CpuCounter.CONTEXT_SWITCHES);
    assertTrue(switches >= 10 && switches <= 12, "one switch per tick, got " + switches);
    assertEquals(0, m.cpu(0).stateNs(CpuState.IDLE) - firstStartNs());
  }

  @Test
  void fairqNeverRoundRobinsEqualPriorities() {
    RunMetrics m = oneCpu("fairq", List.of(new ThreadSpec(0, 0, 6, 0), new ThreadSpec(1, 0, 6, 0)),
        spec -> slices("t" + spec.tid()));
    assertTrue(m.cpu(0).ops().get("t0").count() >= 990, "the first thread keeps the CPU");
    assertEquals(null, m.cpu(0).ops().get("t1"), "its equal-priority peer never ran");
    assertEquals(1, m.counter(0, CpuCounter.CONTEXT_SWITCHES), "only the switch from idle");
  }

  @Test
  void higherPriorityRunsAlone() {
    RunMetrics m = oneCpu(List.of(new ThreadSpec(0, 0, 6, 0), new ThreadSpec(1, 0, 10, 0)),
        spec -> slices("t" + spec.tid()));
    assertEquals(null, m.cpu(0).ops().get("t0"), "the priority-6 thread never ran");
    assertTrue(m.cpu(0).ops().get("t1").count() >= 990);
  }

  @Test
  void aBlockedThreadReleasesTheCpu() {
    // t0 sleeps 5 ms after every slice; t1 computes. The CPU must never idle while t1 can run.
    RunMetrics m = oneCpu(List.of(new ThreadSpec(0, 0, 6, 0), new ThreadSpec(1, 0, 6, 0)),
        spec -> spec.tid() == 0 ? sleeper() : slices("t1"));
    assertEquals(0, m.cpu(0).stateNs(CpuState.IDLE) - firstStartNs());
    // Woken behind its equal-priority peer, t0 runs again only when the tick rotates the queue:
    // once per 10 ms tick, not every 5 ms.
    long runs = m.cpu(0).ops().get("t0").count();
    assertTrue(runs >= 9 && runs <= 11, "t0 runs once per tick: " + runs);
    assertTrue(m.cpu(0).ops().get("t1").count() > 800);
  }

  @Test
  void crossCpuWakeupIsAnIpiThroughTheScheduler() {
    // Thread 1 (CPU 1) blocks at once; thread 0 (CPU 0) wakes it: a request to socket 0's
    // scheduler (same die) and an IPI to CPU 1 after latency.ipi.
    Settings s = TestModels.settings("topology { sockets = 1, cores-per-socket = 2 }\nsim.end-time = 1ms");
    RunMetrics m = TestModels.run(ModelFactory.build(s, topo -> new WorkloadPlan("script", "op",
        List.of(new ThreadSpec(0, 0, 10, 0), new ThreadSpec(1, 0, 10, 1)), List.of(),
        spec -> spec.tid() == 0 ? TestModels.script(new Op.Wakeup(1))
            : TestModels.script(new Op.Block(), new Op.Compute(2_000_000)))));
    Latencies l = Latencies.from(s, 10);
    long start = LwktSchedulerLp.startTimeNs(l);
    assertEquals(1, m.counter(0, CpuCounter.IPIS_SENT));
    assertEquals(1, m.counter(1, CpuCounter.IPIS_RECEIVED));
    // CPU 1 idles before its thread starts, and from its block until the IPI lands.
    assertEquals(start + l.sameDieNs() + l.ipiNs(), m.cpu(1).stateNs(CpuState.IDLE));
  }

  @Test
  void aPlanThatPromisesNoImmediateSendsIsHeldToIt() {
    Settings s = TestModels.settings("topology { sockets = 1, cores-per-socket = 1 }\nsim.end-time = 1ms");
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> TestModels.run(ModelFactory.build(s, topo -> new WorkloadPlan("liar", "op",
            List.of(new ThreadSpec(0, 0, 10, 0)), List.of(), spec -> TestModels.script(new Op.AllocPage()), false))));
    assertTrue(e.getMessage().contains("AllocPage"), e.getMessage());
  }

  private static Program sleeper() {
    return new Program() {
      private int step;

      @Override
      public Op next(long now, SplittableRandom random) {
        return switch (step++ % 4) {
          case 0 -> new Op.Begin("t0");
          case 1 -> new Op.Compute(10_000);
          case 2 -> new Op.End("t0");
          default -> new Op.Sleep(5_000_000);
        };
      }
    };
  }

  /** The CPU idles only until the threads start. */
  private static long firstStartNs() {
    return LwktSchedulerLp.startTimeNs(Latencies.from(TestModels.settings(""), 10));
  }
}
