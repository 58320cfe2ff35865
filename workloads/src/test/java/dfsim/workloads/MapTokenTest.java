package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.LockClass;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.program.Op;
import dfsim.core.program.ThreadSpec;
import dfsim.core.program.VmObjectSpec;
import dfsim.core.program.WorkloadPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The map token on the fault path (sys/vm/vm_fault.c, 2011 and 2013 kernels): two threads of one
 * process that fault at once on private objects serialise on their map's token with
 * {@code kernel.vm-fault.map-token = on}, and not with {@code off} (from 73101af2cf); threads of
 * two processes never do.
 */
final class MapTokenTest {

  /** Two threads on CPUs 0 and 1 fault at once, each on its own object homed on its own node. */
  private static RunMetrics twoFaults(String mapToken, int secondPid) {
    return TestModels.run(ModelFactory.build(TestModels.settings(
            "topology { sockets = 2, cores-per-socket = 1 }\nsim.end-time = 1ms\n"
                + "kernel.vm-fault.map-token = " + mapToken),
        topo -> new WorkloadPlan("script", "fault",
            List.of(new ThreadSpec(0, 0, 6, 0), new ThreadSpec(1, secondPid, 6, 1)),
            List.of(new VmObjectSpec(0, 0, 1), new VmObjectSpec(1, 1, 1)),
            spec -> TestModels.script(new Op.Fault(spec.tid(), 0, true)))));
  }

  @Test
  void threadsOfOneProcessSerialiseOnTheMapToken() {
    RunMetrics on = twoFaults("on", 0);
    assertEquals(2, on.contention(LockClass.VM_MAP).acquires);
    assertEquals(1, on.contention(LockClass.VM_MAP).contended);
    long waited = on.contention(LockClass.VM_MAP).waitNs;
    // The loser waits out the winner's whole fault: its object's token, the page, pmap_enter.
    assertTrue(waited > 0, "map-token wait " + waited);
    assertEquals(0, on.contention(LockClass.VM_OBJECT).contended, "private objects: no object wait");
  }

  @Test
  void withoutTheMapTokenTheyDoNotWait() {
    RunMetrics off = twoFaults("off", 0);
    assertEquals(0, off.contention(LockClass.VM_MAP).acquires);
    assertEquals(0, TestModels.total(off, CpuCounter.LOCK_WAIT_NS));
  }

  @Test
  void twoProcessesHaveTwoMaps() {
    RunMetrics on = twoFaults("on", 1);
    assertEquals(2, on.contention(LockClass.VM_MAP).acquires);
    assertEquals(0, on.contention(LockClass.VM_MAP).contended);
  }
}
