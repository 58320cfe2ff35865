package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.LockClass;
import dfsim.core.metrics.RunMetrics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Per-CPU zone caches (vm_zone.c at 85946b6c) take the zone spinlock off the fault path: with
 * zero-fill faults on private memory, from 8 CPUs up, zone-lock wait per fault falls at least
 * 5x, and every fault still allocates its pv entry.
 */
final class ZoneCacheTest {

  private static RunMetrics run(int cpus, String pcpu) {
    return TestModels.run(ModelFactory.build(TestModels.settings(
        "topology { sockets = 2, cores-per-socket = " + cpus / 2 + " }\n"
            + "sim { end-time = 5ms, warmup = 0ms }\n"
            + "kernel.zone.pcpu-cache = " + pcpu + "\n"
            + "workload { kind = zfod, threads = " + cpus + ", zfod { pages-per-pass = 32, compute = 300ns } }")));
  }

  @ParameterizedTest(name = "{0} CPUs")
  @ValueSource(ints = {8, 16, 32})
  void perCpuCachesCutZoneLockWaitFiveTimes(int cpus) {
    RunMetrics off = run(cpus, "off");
    RunMetrics on = run(cpus, "on");
    double offPerFault = perFault(off, cpus);
    double onPerFault = perFault(on, cpus);
    assertTrue(offPerFault > 0, "the zone lock is contended without caches");
    assertTrue(onPerFault * 5 <= offPerFault, "zone wait/fault: on " + onPerFault + " vs off " + offPerFault);
    for (RunMetrics m : new RunMetrics[] {off, on}) {
      long faults = 0;
      long zallocs = 0;
      for (int c = 0; c < cpus; c++) {
        faults += m.counter(c, CpuCounter.FAULTS);
        zallocs += m.counter(c, CpuCounter.ZONE_ALLOCS);
      }
      // A fault still in flight at the end may have taken its pv entry or not yet.
      assertTrue(faults - zallocs >= 0 && faults - zallocs <= cpus, faults + " faults, " + zallocs + " zallocs");
    }
    long lockedOn = on.contention(LockClass.ZONE).acquires;
    long lockedOff = off.contention(LockClass.ZONE).acquires;
    assertTrue(lockedOn * 5 < lockedOff,
        "with caches only first-pass faults take the lock: " + lockedOn + " vs " + lockedOff);
  }

  private static double perFault(RunMetrics m, int cpus) {
    long faults = 0;
    for (int c = 0; c < cpus; c++) {
      faults += m.counter(c, CpuCounter.FAULTS);
    }
    return (double) m.contention(LockClass.ZONE).waitNs / faults;
  }
}
