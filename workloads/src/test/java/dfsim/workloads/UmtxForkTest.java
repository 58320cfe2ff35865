package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.RunMetrics;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Lost umtx wakeups after fork (afd7f124 and its parent): the fork makes the mutex page
 * copy-on-write and the next write moves the parent's page to a new physical address. Both
 * kernels wake every sleeper at fork (wake_umtx_threads(), 31efdff0); a sleeper that slept on the
 * old address after the fork, or (old kernel) polled the held old page across the copy, is
 * missed by wakeups to the new one until the next fork, or (new kernel) kern.umtx_timeout_max.
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
  void bothKernelsWakeSleepersAtForkButTheOldOneLosesItsPollers() {
    RunMetrics old = run("fault-page");
    RunMetrics neu = run("ptmap");
    long oldLost = TestModels.total(old, CpuCounter.UMTX_LOST_WAKEUPS);
    long newLost = TestModels.total(neu, CpuCounter.UMTX_LOST_WAKEUPS);
    // A poller holding the old page reads its frozen word and sleeps on the old address; through
    // the PTmap it would read the new page. Both lose the sleepers that slept between the fork
    // and the copy.
    assertTrue(oldLost > 2 * newLost && newLost > 0, "lost wakeups: fault-page " + oldLost + ", ptmap " + newLost);
    assertEquals(0, TestModels.total(old, CpuCounter.UMTX_TIMEOUTS), "fault-page sleeps have no timeout");
    // wake_umtx_threads() at the next fork rescues every stranded sleeper: none sleeps past the cap
    // that fault-page does not even have.
    assertTrue(memory(old, "umtx_longest_sleep_ns") < CAP_NS, "longest sleep " + memory(old, "umtx_longest_sleep_ns"));
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
