package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.LockClass;
import dfsim.core.metrics.RunMetrics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Page colouring (85946b6c) and the colour-queue search (e3c330f0), with zero-fill faults on
 * private memory: before NUMA, cpu-local colours keep each CPU on its own queues of the global
 * set, so queue-lock lines stop moving, but pages come from any node; with NUMA queues they also
 * keep it on its node, so no page is remote; under pressure that drains a CPU's colours,
 * PQ_L2_SIZE 1024 with lastq and without rescans probes fewer queues per allocation than 2048
 * with rescans.
 */
final class PageColourTest {

  private static RunMetrics run(int cpus, String extra) {
    return TestModels.run(ModelFactory.build(TestModels.settings(
        "topology { sockets = 2, cores-per-socket = " + cpus / 2 + " }\n"
            + "sim { end-time = 4ms, warmup = 0ms }\n"
            + "workload { kind = zfod, threads = " + cpus + " }\n" + extra)));
  }

  private static long sum(RunMetrics m, int cpus, CpuCounter c) {
    long s = 0;
    for (int i = 0; i < cpus; i++) {
      s += m.counter(i, c);
    }
    return s;
  }

  @ParameterizedTest(name = "{0} CPUs")
  @ValueSource(ints = {8, 16, 32})
  void cpuLocalColoursCutQueueLockTransfersAndRemotePages(int cpus) {
    // 256-page passes: the objects' colour runs (object colour + pindex) overlap, as they do
    // for real address spaces.
    String passes = "workload.zfod.pages-per-pass = 256\n";
    RunMetrics object = run(cpus, passes + "kernel.page-color = object");
    RunMetrics local = run(cpus, passes + "kernel.page-color = cpu-local");
    long objectAllocs = sum(object, cpus, CpuCounter.PAGE_ALLOCS);
    assertTrue(sum(object, cpus, CpuCounter.REMOTE_PAGES) * 3 > objectAllocs,
        "object colours land on any node: " + sum(object, cpus, CpuCounter.REMOTE_PAGES) + " of " + objectAllocs);
    assertEquals(0, sum(local, cpus, CpuCounter.REMOTE_PAGES));
    long objectTransfers = object.contention(LockClass.PAGE_QUEUE).transfers;
    long localTransfers = local.contention(LockClass.PAGE_QUEUE).transfers;
    assertTrue(localTransfers * 10 < objectTransfers, "transfers: " + localTransfers + " vs " + objectTransfers);
  }

  @ParameterizedTest(name = "{0} processes")
  @ValueSource(ints = {8, 16})
  void beforeNumaCpuColoursKeepEachCpuOnItsOwnQueuesButNotItsNode(int processes) {
    // 85946b6c's kernel: one global set of 64 queues for both nodes' pages.
    RunMetrics object = global(processes, "object");
    RunMetrics local = global(processes, "cpu-local");
    for (RunMetrics m : new RunMetrics[] {object, local}) {
      long allocs = sum(m, processes, CpuCounter.PAGE_ALLOCS);
      assertTrue(sum(m, processes, CpuCounter.REMOTE_PAGES) * 3 > allocs, "no NUMA: pages from any node");
    }
    // The colour's low bits are the CPU: no queue's lock line moves between CPUs; with object
    // colours the CPUs' colour runs meet.
    assertEquals(0, local.contention(LockClass.PAGE_QUEUE).transfers);
    assertTrue(object.contention(LockClass.PAGE_QUEUE).transfers > sum(object, processes, CpuCounter.PAGE_ALLOCS) / 4,
        "object colours: " + object.contention(LockClass.PAGE_QUEUE).transfers + " transfers");
  }

  /** Single-threaded zfod processes on a 2-socket box with the global queues of 2011. */
  private static RunMetrics global(int processes, String colour) {
    return TestModels.run(ModelFactory.build(TestModels.settings(
        "topology { sockets = 2, cores-per-socket = " + processes / 2 + " }\n"
            + "sim { end-time = 4ms, warmup = 0ms }\n"
            + "kernel.vm-page { numa = off, pq-l2-size = 64 }\nkernel.page-color = " + colour + "\n"
            + "workload { kind = zfod, processes = " + processes + ", threads = 1, zfod.pages-per-pass = 256 }")));
  }

  @ParameterizedTest(name = "{0} CPUs")
  @ValueSource(ints = {8, 16})
  void smallerContinuingSearchProbesFewerQueuesUnderPressure(int cpus) {
    // 8 MiB per node: each CPU's colours hold 2048 / cpus pages; every pass wants a quarter more.
    String pressure = "topology.memory-per-node = 8M\nworkload.zfod.pages-per-pass = " + 2560 / cpus + "\n";
    RunMetrics old = run(cpus, pressure + "kernel.vm-page { pq-l2-size = 2048, lastq = off, rescan = on }");
    RunMetrics neu = run(cpus, pressure + "kernel.vm-page { pq-l2-size = 1024, lastq = on, rescan = off }");
    double oldSteps = (double) sum(old, cpus, CpuCounter.PAGE_ALLOC_SCAN_STEPS) / sum(old, cpus, CpuCounter.PAGE_ALLOCS);
    double newSteps = (double) sum(neu, cpus, CpuCounter.PAGE_ALLOC_SCAN_STEPS) / sum(neu, cpus, CpuCounter.PAGE_ALLOCS);
    assertTrue(newSteps > 0, "the pressure makes the search run");
    assertTrue(newSteps < oldSteps, "steps per allocation: 1024/lastq " + newSteps + " vs 2048/rescan " + oldSteps);
  }

  /**
   * Uneven pressure: a 2990WX (two memoryless dies) whose nodes are 75% and 25% taken from
   * their lowest colours, threads allocating object-less pages; every pass frees its pages.
   */
  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {16, 64})
  void unevenPressureOnMemorylessDies(int threads) {
    String box = "topology { sockets = 1, dies-per-socket = 4, cores-per-socket = 32, threads-per-core = 2,"
        + " memoryless-dies = [1, 3], memory-per-node = 64M }\n"
        + "sim { end-time = 3ms, warmup = 0ms }\n"
        + "workload { kind = alloc-pressure, threads = " + threads + ", alloc-pressure.drain = [0.75, 0.25] }\n";
    RunMetrics old = TestModels.run(ModelFactory.build(TestModels.settings(
        box + "kernel.vm-page { pq-l2-size = 2048, lastq = off, rescan = on }")));
    RunMetrics neu = TestModels.run(ModelFactory.build(TestModels.settings(
        box + "kernel.vm-page { pq-l2-size = 1024, lastq = on, rescan = off }")));
    double oldSteps = (double) sum(old, 64, CpuCounter.PAGE_ALLOC_SCAN_STEPS) / sum(old, 64, CpuCounter.PAGE_ALLOCS);
    double newSteps = (double) sum(neu, 64, CpuCounter.PAGE_ALLOC_SCAN_STEPS) / sum(neu, 64, CpuCounter.PAGE_ALLOCS);
    assertTrue(oldSteps > 1, "the drained colours make the old search run: " + oldSteps);
    assertTrue(newSteps * 3 < oldSteps, "steps per allocation: 1024/lastq " + newSteps + " vs 2048/rescan " + oldSteps);
  }
}
