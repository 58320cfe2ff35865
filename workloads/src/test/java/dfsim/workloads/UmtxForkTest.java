package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.RunMetrics;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Lost umtx wakeups after fork (afd7f124): the fork makes the mutex page copy-on-write and the
 * next write moves the parent's page to a new physical address. The old kernel leaves sleepers
 * keyed on the old address to sleep forever while wakeups go to the new one; the new one wakes
 * every sleeper at fork and caps any sleep at kern.umtx_timeout_max.
 */
final class UmtxForkTest {
  private static final long CAP_NS = 30_000_000L;

  private static RunMetrics run(String impl) {
    return TestModels.run(ModelFactory.build(TestModels.settings(
        "sim { end-time = 60ms, warmup = 0ms }\n"
            + "kernel.umtx { impl = " + impl + ", timeout-max = 30ms }\n"
            + "workload { kind = cow-fork, threads = 32, cow-fork.fork-interval = 1ms }")));
  }


  private static long memory(RunMetrics m, String key) {
    long max = 0;
    for (Map<String, Object> n : m.memoryNodes()) {
      max = Math.max(max, ((Number) n.get(key)).longValue());
    }
    return max;
  }

  @Test
  void oldKernelStrandsSleepersForever() {
    RunMetrics m = run("fault-page");
    assertTrue(TestModels.total(m, CpuCounter.UMTX_LOST_WAKEUPS) > 0, "wakeups went to the new page");
    assertTrue(memory(m, "umtx_asleep_at_end") > 0, "sleepers left asleep at the end");
    assertTrue(memory(m, "umtx_longest_sleep_ns") > CAP_NS, "stranded longer than any cap");
    assertTrue(TestModels.total(m, CpuCounter.UMTX_TIMEOUTS) == 0, "fault-page sleeps have no timeout");
  }

  @Test
  void newKernelNeverLeavesASleeperPastTheCap() {
    RunMetrics m = run("ptmap");
    assertTrue(TestModels.total(m, CpuCounter.UMTX_SLEEPS) > 1000);
    // The callout fires on the tick at or after the cap.
    assertTrue(memory(m, "umtx_longest_sleep_ns") <= CAP_NS + 10_000_000L,
        "longest sleep " + memory(m, "umtx_longest_sleep_ns"));
  }
}
