package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.LockClass;
import dfsim.core.metrics.RunMetrics;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * vm_fault_quick() and vm_page_hash[] (e3c330f0): read faults on a file's resident pages map a
 * hash hit without the object lock; the direct-mapped table thrashes between files whose structs
 * sit side by side, the 4-way table with an eighth of the memory does not while the files fit.
 */
final class FaultQuickTest {

  /**
   * 4 processes x 4 threads on 16 CPUs, each process reading its own file of 4 x pages pages. A
   * pass's munmap makes an IPI round to the process's 3 other CPUs per page under the process's
   * map token, so the threads unmap one at a time and a pass takes a few milliseconds: 24 ms give
   * each thread several.
   */
  private static RunMetrics run(String quick, String hash, String object, int pages) {
    return TestModels.run(ModelFactory.build(TestModels.settings(
        "sim { end-time = 24ms, warmup = 0ms }\n"
            + "kernel.vm-fault.quick = " + quick + "\nkernel.vm-page.hash = " + hash + "\n"
            + "workload { processes = 4, threads = 4, fault-storm { object = " + object
            + ", pages-per-pass = " + pages + ", compute = 500ns } }")));
  }


  private static double hitRate(RunMetrics m) {
    long hits = TestModels.total(m, CpuCounter.VM_PAGE_HASH_HITS);
    return (double) hits / (hits + TestModels.total(m, CpuCounter.VM_PAGE_HASH_MISSES));
  }

  @Test
  void withoutQuickEveryFaultTakesTheObjectLock() {
    RunMetrics m = run("off", "set4", "file", 256);
    assertEquals(0, TestModels.total(m, CpuCounter.VM_PAGE_HASH_HITS) + TestModels.total(m, CpuCounter.VM_PAGE_HASH_MISSES));
    long faults = TestModels.total(m, CpuCounter.FAULTS);
    long acquires = m.contention(LockClass.VM_OBJECT).acquires;
    // Faults still waiting at the end have not been granted.
    assertTrue(acquires <= faults && acquires >= faults - 16, acquires + " locks for " + faults + " faults");
    assertEquals(0, TestModels.total(m, CpuCounter.PAGE_ALLOCS), "a file's pages are resident: nothing to allocate");
  }

  /**
   * 4 processes x 4 threads, each process's threads reading random pages of its own 1,024-page
   * file and never unmapping (the fault storm's munmaps, one at a time under the map token, keep
   * its faults from overlapping after the first pass): each thread faults each page once.
   */
  private static RunMetrics readers(String quick) {
    return TestModels.run(ModelFactory.build(TestModels.settings(
        "sim { end-time = 4ms, warmup = 0ms }\nkernel.vm-fault.quick = " + quick + "\nkernel.vm-page.hash = set4\n"
            + "workload { kind = program, processes = 4, threads = 4, program {\n"
            + "mappings = [{ name = f, kind = file, pages = 1024, per = process }]\n"
            + "steps = [{ touch = f, pages = 1, order = random }, { compute = 500ns }] } }")));
  }

  @Test
  void hashHitsSkipTheObjectLockAndItsWait() {
    RunMetrics locked = readers("off");
    RunMetrics quick = readers("on");
    long faults = TestModels.total(quick, CpuCounter.FAULTS);
    long misses = TestModels.total(quick, CpuCounter.VM_PAGE_HASH_MISSES);
    // The first touch of each page misses (4 files x 1024 pages), and now and then a second
    // thread's, when it looks before the first has entered the page.
    assertTrue(misses >= 4 * 1024 && misses <= 4 * 1024 + 64, misses + " misses");
    assertTrue(quick.contention(LockClass.VM_OBJECT).acquires <= misses);
    double lockedWait = (double) locked.contention(LockClass.VM_OBJECT).waitNs / TestModels.total(locked, CpuCounter.FAULTS);
    double quickWait = (double) quick.contention(LockClass.VM_OBJECT).waitNs / faults;
    // What wait is left is the first pass, every thread missing on its first touches at once.
    assertTrue(quickWait * 3 < lockedWait, "object-lock wait per fault " + quickWait + " vs " + lockedWait);
    assertTrue(faults > TestModels.total(locked, CpuCounter.FAULTS), "lock-free soft faults are faster");
  }

  @Test
  void directMappedThrashesBetweenAdjacentFilesWhereSet4Holds() {
    // Files of 2048 pages, two per node: 4096 entries of set4 hold them; direct slots overlap
    // from the 256th page on, since the files' structs are 256 bytes apart.
    RunMetrics direct = run("on", "direct", "file", 512);
    RunMetrics set4 = run("on", "set4", "file", 512);
    int firstTouches = 4 * 4 * 512;
    assertEquals(firstTouches, TestModels.total(set4, CpuCounter.VM_PAGE_HASH_MISSES), "set4 misses only first touches");
    assertTrue(TestModels.total(direct, CpuCounter.VM_PAGE_HASH_MISSES) > 3 * firstTouches,
        "direct misses " + TestModels.total(direct, CpuCounter.VM_PAGE_HASH_MISSES));
    assertTrue(hitRate(direct) < 0.5, "direct hit rate " + hitRate(direct));
    // Every miss falls back to the object lock (the munmaps, one at a time under the map token,
    // hold both tables to the same faults per second).
    assertTrue(set4.contention(LockClass.VM_OBJECT).acquires * 3 < direct.contention(LockClass.VM_OBJECT).acquires,
        set4.contention(LockClass.VM_OBJECT).acquires + " vs " + direct.contention(LockClass.VM_OBJECT).acquires);
  }

  @Test
  void anonymousMemoryNeverTriesTheHash() {
    // A threaded process's anonymous object is OBJ_ONEMAPPING, and zero-fill faults write.
    RunMetrics m = run("on", "set4", "shared", 64);
    assertEquals(0, TestModels.total(m, CpuCounter.VM_PAGE_HASH_HITS) + TestModels.total(m, CpuCounter.VM_PAGE_HASH_MISSES));
    assertTrue(TestModels.total(m, CpuCounter.PAGE_ALLOCS) > 0);
  }

  @Test
  void set4TakesAnEighthOfTheDirectTablesMemory() {
    Map<String, Object> direct = run("on", "direct", "file", 64).memoryNodes().get(0);
    Map<String, Object> set4 = run("on", "set4", "file", 64).memoryNodes().get(0);
    assertEquals(65_536 * 8L, ((Number) direct.get("vm_page_hash_bytes")).longValue());
    assertEquals(4_096 * 16L, ((Number) set4.get("vm_page_hash_bytes")).longValue());
  }
}
