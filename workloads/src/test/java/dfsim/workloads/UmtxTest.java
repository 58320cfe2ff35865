package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.LockClass;
import dfsim.core.metrics.OpStats;
import dfsim.core.metrics.RunMetrics;
import org.junit.jupiter.api.Test;

/**
 * umtx_sleep()/umtx_wakeup() (afd7f124): through vm_fault_page_quick() their kernel time grows
 * with the threads sharing the mutex page, the waits landing on the map token; through the PTmap
 * it stays flat. Kernel time excludes time asleep.
 */
final class UmtxTest {

  private static RunMetrics run(String impl, int threads) {
    return TestModels.run(ModelFactory.build(TestModels.settings(
        "sim { end-time = 4ms, warmup = 0ms }\n"
            + "kernel.umtx.impl = " + impl + "\n"
            + "workload { kind = umtx-mutex, threads = " + threads + ", umtx-mutex.mutexes = 4 }")));
  }

  private static OpStats op(RunMetrics m, String name) {
    OpStats all = new OpStats();
    for (int c = 0; c < m.cpuCount(); c++) {
      OpStats s = m.cpu(c).ops().get(name);
      if (s != null) {
        all.add(s);
      }
    }
    return all;
  }

  private static long total(RunMetrics m, CpuCounter k) {
    long n = 0;
    for (int c = 0; c < m.cpuCount(); c++) {
      n += m.counter(c, k);
    }
    return n;
  }

  @Test
  void ptmapCallsStayFlatWhileFaultPageCallsGrowWithThreads() {
    RunMetrics p8 = run("ptmap", 8);
    RunMetrics p32 = run("ptmap", 32);
    RunMetrics f8 = run("fault-page", 8);
    RunMetrics f32 = run("fault-page", 32);
    for (String call : new String[] {"umtx_sleep", "umtx_wakeup"}) {
      assertTrue(op(p8, call).count() > 100 && op(f8, call).count() > 100, call + " is called");
      double p = op(p32, call).meanNs() / op(p8, call).meanNs();
      double f = op(f32, call).meanNs() / op(f8, call).meanNs();
      assertTrue(p <= 1.7, call + " ptmap 32/8 threads: " + p);
      assertTrue(f >= 3, call + " fault-page 32/8 threads: " + f);
    }
    assertTrue(f32.contention(LockClass.VM_MAP).waitNs > 0, "fault-page waits on the map token");
    assertEquals(0, p32.contention(LockClass.VM_MAP).acquires + p32.contention(LockClass.VM_OBJECT).acquires,
        "ptmap takes no VM lock");
    assertEquals(op(p32, "umtx_sleep").count(), total(p32, CpuCounter.UMTX_SLEEPS));
    assertEquals(op(p32, "umtx_wakeup").count(), total(p32, CpuCounter.UMTX_WAKEUPS));
  }

  @Test
  void oneThreadNeverEntersTheKernel() {
    RunMetrics m = run("fault-page", 1);
    assertTrue(op(m, "mutex").count() > 100);
    assertEquals(0, total(m, CpuCounter.UMTX_SLEEPS) + total(m, CpuCounter.UMTX_WAKEUPS));
  }
}
