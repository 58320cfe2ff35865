package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.OpStats;
import dfsim.core.metrics.RunMetrics;
import org.junit.jupiter.api.Test;

/**
 * vm_fault_page() without pmap_enter() (385c96e4): only entering the page from a foreign
 * context (a debugger's ptrace store after a fork) leaves stale translations on the target's
 * CPUs; not entering makes umtx calls (through vm_fault_page_quick()) cheaper and each COW
 * copy dearer, since it removes the old page from every pmap.
 */
final class VmFaultPageTest {

  private static RunMetrics run(boolean enterPmap) {
    return TestModels.run(ModelFactory.build(TestModels.settings(
        "sim { end-time = 20ms, warmup = 0ms }\n"
            + "kernel { umtx.impl = fault-page, vm-fault-page.enter-pmap = " + enterPmap + " }\n"
            + "workload { kind = cow-fork, threads = 8, "
            + "cow-fork { think = 100us, fork-interval = 1ms, ptrace-interval = 5us } }")));
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
    assertTrue(mean(held, "umtx_sleep") < mean(enter, "umtx_sleep"), "umtx_sleep is cheaper without pmap_enter");
    assertTrue(mean(held, "umtx_wakeup") < mean(enter, "umtx_wakeup"), "umtx_wakeup is cheaper without pmap_enter");
    assertTrue(mean(held, "cow") > mean(enter, "cow") * 1.5, "a COW copy pays the IPI round of vm_page_protect()");
  }
}
