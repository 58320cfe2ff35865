package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.OpStats;
import dfsim.core.metrics.RunMetrics;
import org.junit.jupiter.api.Test;

/**
 * vm_fault_page() without pmap_enter() (385c96e4, with the 2011 umtx path,
 * kernel.vm-fault-page.quick = off): only entering the page from a foreign
 * context (a debugger's ptrace store after a fork) leaves stale translations on the target's
 * CPUs; not entering makes an uncontended umtx call (through vm_fault_page_quick()) cheaper by
 * the pmap_enter() it skips. A COW copy by
 * the process itself costs one IPI round in both kernels (replacing the PTE before, removing the
 * old page from every pmap after); a foreign one costs a round only after, where it removes
 * the page instead of leaving it stale.
 */
final class VmFaultPageTest {

  private static RunMetrics run(boolean enterPmap) {
    return run(enterPmap, "5us");
  }

  private static RunMetrics run(boolean enterPmap, String ptraceInterval) {
    return TestModels.run(ModelFactory.build(TestModels.settings(
        "sim { end-time = 20ms, warmup = 0ms }\n"
            + "kernel { umtx.impl = fault-page, vm-fault-page { enter-pmap = " + enterPmap + ", quick = off } }\n"
            + "workload { kind = cow-fork, threads = 8, "
            + "cow-fork { think = 100us, fork-interval = 1ms, ptrace-interval = " + ptraceInterval + " } }")));
  }

  private static double mean(RunMetrics m, String op) {
    OpStats all = TestModels.op(m, op);
    assertTrue(all.count() > 10, op + " happens");
    return all.meanNs();
  }


  @Test
  void staleMappingsOnlyWhenEnteringTheForeignPmap() {
    RunMetrics enter = run(true);
    RunMetrics held = run(false);
    assertTrue(TestModels.total(enter, CpuCounter.STALE_MAPPING_NS) > 0, "the debugger's COW leaves stale translations");
    assertEquals(0, TestModels.total(held, CpuCounter.STALE_MAPPING_NS));
    assertTrue(mean(held, "cow") > mean(enter, "cow"), "the debugger's COW copies pay the IPI round of vm_page_protect()");
  }

  @Test
  void anUncontendedUmtxCallIsOnePmapEnterCheaperWithoutIt() {
    double[] enter = uncontendedCalls(true);
    double[] held = uncontendedCalls(false);
    long pmapEnterNs = 100;
    assertEquals(pmapEnterNs, enter[0] - held[0], 1e-6, "umtx_sleep");
    assertEquals(pmapEnterNs, enter[1] - held[1], 1e-6, "umtx_wakeup");
  }

  /** One thread making both umtx calls every op: their mean kernel times, with no contention. */
  private static double[] uncontendedCalls(boolean enterPmap) {
    RunMetrics m = TestModels.run(ModelFactory.build(TestModels.settings(
        "sim { end-time = 2ms, warmup = 0ms }\n"
            + "kernel { umtx.impl = fault-page, vm-fault-page { enter-pmap = " + enterPmap + ", quick = off } }\n"
            + "workload { kind = umtx-mutex, threads = 1, umtx-mutex { syscalls = always } }")));
    return new double[] {mean(m, "umtx_sleep"), mean(m, "umtx_wakeup")};
  }

  @Test
  void anOwnCowCostsOneIpiRoundInBothKernels() {
    RunMetrics enter = run(true, "0ms");
    RunMetrics held = run(false, "0ms");
    // 8 threads on 8 CPUs: a round is 7 IPIs; every COW's time is the same fault and one round.
    assertEquals(mean(enter, "cow"), mean(held, "cow"), 1e-9);
    assertEquals(TestModels.op(enter, "cow").count(), TestModels.op(held, "cow").count());
  }
}
