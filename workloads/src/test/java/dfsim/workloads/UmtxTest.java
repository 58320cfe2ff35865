package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.LockClass;
import dfsim.core.metrics.RunMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * umtx_sleep()/umtx_wakeup() (afd7f124), timed per call (kernel time, time asleep excluded) with
 * every op making both calls (syscalls = always), on one 32-core die so that only the thread
 * count changes: through the PTmap a call costs what it costs one thread; through
 * vm_fault_page_quick() it grows with the threads of the process, which wait on the lock of the
 * mutex page (from 2013 its page-table page's pv lock, held for the pmap quick path, with no map
 * token and no activation; the 2011 shape, kernel.vm-fault-page.quick = off with
 * kernel.vm-fault.map-token = on, waits on the map token first).
 */
final class UmtxTest {

  private static RunMetrics run(String impl, int threads, String syscalls, int mutexes) {
    return run(impl, threads, syscalls, mutexes, "off");
  }

  private static RunMetrics run(String impl, int threads, String syscalls, int mutexes, String mapToken) {
    return run(impl, threads, syscalls, mutexes, mapToken, "on");
  }

  private static RunMetrics run(String impl, int threads, String syscalls, int mutexes, String mapToken,
      String quick) {
    return TestModels.run(ModelFactory.build(TestModels.settings(
        "topology { sockets = 1, cores-per-socket = 32 }\nkernel.vm-fault.map-token = " + mapToken + "\n"
            + "kernel.vm-fault-page.quick = " + quick + "\n"
            + "sim { end-time = 4ms, warmup = 0ms }\n"
            + "kernel.umtx.impl = " + impl + "\n"
            + "workload { kind = umtx-mutex, threads = " + threads + ", umtx-mutex { mutexes = " + mutexes
            + ", syscalls = " + syscalls + " } }")));
  }



  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {8, 16, 32})
  void ptmapCallsStayWithinOneAndAHalfTimesTheirOneThreadCost(int threads) {
    RunMetrics one = run("ptmap", 1, "always", 1024);
    RunMetrics many = run("ptmap", threads, "always", 1024);
    for (String call : new String[] {"umtx_sleep", "umtx_wakeup"}) {
      double base = TestModels.op(one, call).meanNs();
      double at = TestModels.op(many, call).meanNs();
      assertTrue(TestModels.op(one, call).count() > 100, call + " is called by one thread");
      assertTrue(at <= 1.5 * base, call + ": " + at + " ns at " + threads + " threads vs " + base + " at 1");
    }
    assertEquals(0, many.contention(LockClass.VM_MAP).acquires + many.contention(LockClass.VM_OBJECT).acquires,
        "ptmap takes no VM lock");
  }

  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {16, 32})
  void faultPageCallsGrowWithThreadsAndWaitOnThePagesLock(int threads) {
    RunMetrics one = run("fault-page", 1, "always", 1024);
    RunMetrics many = run("fault-page", threads, "always", 1024);
    for (String call : new String[] {"umtx_sleep", "umtx_wakeup"}) {
      double base = TestModels.op(one, call).meanNs();
      double at = TestModels.op(many, call).meanNs();
      assertTrue(at >= 1.5 * base, call + ": " + at + " ns at " + threads + " threads vs " + base + " at 1");
    }
    assertTrue(many.contention(LockClass.VM_OBJECT).waitNs > 0, "the waits show in contention (vm_object)");
    assertEquals(0, many.contention(LockClass.VM_MAP).acquires, "no map token in the 2017 kernel");
  }

  @Test
  void theQuickPathNeitherActivatesThePageNorTakesTheMapToken() {
    RunMetrics quick = run("fault-page", 16, "always", 1024, "on", "on");
    RunMetrics old = run("fault-page", 16, "always", 1024, "on", "off");
    assertEquals(0, quick.contention(LockClass.PAGE_QUEUE).acquires, "no vm_page_activate()");
    assertEquals(0, quick.contention(LockClass.VM_MAP).acquires, "no map token");
    assertTrue(old.contention(LockClass.PAGE_QUEUE).acquires > 1000, "the 2011 path activates the page");
  }

  @Test
  void withTheMapTokenFaultPageCallsWaitOnItFirst() {
    RunMetrics many = run("fault-page", 16, "always", 1024, "on", "off");
    assertTrue(many.contention(LockClass.VM_MAP).waitNs > 0, "the waits show in contention (vm_map)");
    // Serialised on the map token first, the calls find the object token free.
    assertEquals(0, many.contention(LockClass.VM_OBJECT).contended);
  }

  @Test
  void contestedMutexesCallTheKernelOnlyWhenContested() {
    RunMetrics one = run("fault-page", 1, "contested", 4);
    assertTrue(TestModels.op(one, "mutex").count() > 100);
    assertEquals(0, TestModels.total(one, CpuCounter.UMTX_SLEEPS) + TestModels.total(one, CpuCounter.UMTX_WAKEUPS));
    RunMetrics many = run("ptmap", 16, "contested", 4);
    long ops = TestModels.op(many, "mutex").count();
    long sleeps = TestModels.total(many, CpuCounter.UMTX_SLEEPS);
    long wakeups = TestModels.total(many, CpuCounter.UMTX_WAKEUPS);
    assertTrue(sleeps > 100 && wakeups > 100, "16 threads on 4 mutexes contend");
    // An unlock wakes only when the word says someone waits: at most one wakeup per op.
    assertTrue(wakeups <= ops + 16, wakeups + " wakeups for " + ops + " ops");
  }
}
