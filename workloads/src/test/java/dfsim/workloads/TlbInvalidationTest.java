package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.LockClass;
import dfsim.core.metrics.OpStats;
import dfsim.core.metrics.RunMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLB invalidation on munmap (pmap.c, pmap_inval.c at e3c330f0 and its parent): each removed PTE
 * of a user pmap is invalidated on its own (pmap_inval_bulk() -> pmap_inval_smp()). A
 * single-threaded process invalidates locally and sends no IPI, and multi-only skips its
 * interlock for every PTE; a threaded process makes one IPI round to every other CPU in its
 * pmap's pm_active per PTE, so its IPIs grow with the pages and the CPUs.
 */
final class TlbInvalidationTest {

  private record Run(RunMetrics m, long munmaps, long ipis, long meanNs) {}

  /** munmap-storm's pages-per-pass: the PTEs of one munmap. */
  private static final int PAGES = 8;

  private static Run run(int processes, int threads, String interlock) {
    ModelFactory.Built b = ModelFactory.build(TestModels.settings(
        "topology { sockets = 2, cores-per-socket = 8 }\n"
            + "sim { end-time = 4ms, warmup = 0ms }\n"
            + "kernel.pmap.inval-interlock = " + interlock + "\n"
            + "workload { kind = munmap-storm, processes = " + processes + ", threads = " + threads
            + ", munmap-storm.pages-per-pass = " + PAGES + " }"));
    RunMetrics m = TestModels.run(b);
    OpStats all = new OpStats();
    long ipis = 0;
    for (int c = 0; c < 16; c++) {
      OpStats o = m.cpu(c).ops().get(FaultStorm.UNMAP_OP);
      if (o != null) {
        all.add(o);
      }
      ipis += m.counter(c, CpuCounter.IPIS_SENT);
    }
    return new Run(m, all.count(), ipis, Math.round(all.meanNs()));
  }

  @Test
  void singleThreadedMunmapIsLocalAndMultiOnlyDropsTheInterlock() {
    Run always = run(16, 1, "always");
    Run multiOnly = run(16, 1, "multi-only");
    assertEquals(0, always.ipis());
    assertEquals(0, multiOnly.ipis());
    // One interlock per PTE, not per munmap.
    assertTrue(always.m().contention(LockClass.PMAP_INTERLOCK).acquires >= PAGES * always.munmaps());
    assertEquals(0, multiOnly.m().contention(LockClass.PMAP_INTERLOCK).acquires);
    assertTrue(multiOnly.meanNs() < always.meanNs(), multiOnly.meanNs() + " vs " + always.meanNs());
  }

  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {2, 4, 8, 16})
  void threadedMunmapIpisEveryOtherCpuInPmActive(int threads) {
    Run r = run(16 / threads, threads, "multi-only");
    // Every completed munmap sent a round of threads - 1 IPIs per PTE; at most one munmap per
    // CPU was part way through its rounds at the end.
    long perMunmap = (long) (threads - 1) * PAGES;
    assertTrue(r.ipis() >= perMunmap * r.munmaps() && r.ipis() < perMunmap * (r.munmaps() + 16),
        r.ipis() + " IPIs for " + r.munmaps() + " munmaps");
    long received = 0;
    for (int c = 0; c < 16; c++) {
      received += r.m().counter(c, CpuCounter.IPIS_RECEIVED);
    }
    assertTrue(r.ipis() - received <= 16L * threads, "IPIs arrive: " + received + " of " + r.ipis());
    assertTrue(r.m().contention(LockClass.TLB_SHOOTDOWN).waitNs > 0);
  }
}
