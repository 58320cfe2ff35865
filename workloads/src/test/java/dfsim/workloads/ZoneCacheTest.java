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
 * 5x, and every fault still allocates its pv entry. Without them zfree() takes the spinlock too,
 * and the freeing CPU waits for it: a munmap lasts as long as its pv entries' frees.
 */
final class ZoneCacheTest {

  private static RunMetrics run(int cpus, String pcpu) {
    return TestModels.run(ModelFactory.build(TestModels.settings(
        "topology { sockets = 2, cores-per-socket = " + cpus / 2 + " }\n"
            + "sim { end-time = 5ms, warmup = 0ms }\n"
            + "kernel.zone.pcpu-cache = " + pcpu + "\n"
            // Single-threaded processes: a process's munmaps hold its map token, so threads of one
            // would unmap by turns and meet the zone seldom.
            + "workload { kind = zfod, processes = " + cpus + ", threads = 1, zfod { pages-per-pass = 32, compute = 300ns } }")));
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

  @org.junit.jupiter.api.Test
  void aMunmapWaitsForItsPvEntriesOnTheZoneList() {
    double base = munmapNs("30ns");
    double slower = munmapNs("1030ns");
    // 8 pv entries per munmap, each held 1000 ns longer under the zone spinlock.
    assertTrue(slower - base >= 8 * 1000, "munmap: " + base + " ns, then " + slower + " ns");
  }

  /** The mean munmap of one single-threaded munmap-storm process with zone caches off. */
  private static double munmapNs(String zoneLocked) {
    RunMetrics m = TestModels.run(ModelFactory.build(TestModels.settings(
        "topology { sockets = 1, cores-per-socket = 1 }\n"
            + "sim { end-time = 2ms, warmup = 0ms }\n"
            + "kernel.zone.pcpu-cache = off\ncost.zone-locked = " + zoneLocked + "\n"
            + "workload { kind = munmap-storm, processes = 1, threads = 1, munmap-storm.pages-per-pass = 8 }")));
    return TestModels.op(m, FaultStorm.UNMAP_OP).meanNs();
  }

  private static double perFault(RunMetrics m, int cpus) {
    long faults = 0;
    for (int c = 0; c < cpus; c++) {
      faults += m.counter(c, CpuCounter.FAULTS);
    }
    return (double) m.contention(LockClass.ZONE).waitNs / faults;
  }
}
