package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.CpuMeter;
import dfsim.core.metrics.CpuState;
import dfsim.core.metrics.RunMetrics;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * For every CPU, busy + idle + spin equals the simulated time, and each state's series sums to
 * its total. Each term is accumulated on its own from the events that start and end the state,
 * so a lost or doubled interval anywhere in the model breaks this.
 */
final class CpuTimeInvariantTest {

  @ParameterizedTest
  @ValueSource(strings = {
      // the default box, shared object
      "",
      // private objects, warm-up, uneven sample interval
      "workload.fault-storm.object = private\nsim.warmup = 1ms\nmetrics.sample-interval = 7us",
      // more threads than CPUs, sleeps, long preemptible computation, fast ticks
      "workload { threads = 40, fault-storm { sleep = 50us, compute = 300us, pages-per-pass = 8 } }\nkernel.hz = 1000",
      // SMT, 2 dies per socket, one of them memoryless, threads exiting early
      "topology { sockets = 2, dies-per-socket = 2, cores-per-socket = 4, threads-per-core = 2, memoryless-dies = [1] }\n"
          + "workload { threads = 12, fault-storm { passes = 3 } }",
      // 3 sockets x 5 cores, several processes
      "topology { sockets = 3, cores-per-socket = 5 }\nworkload { processes = 3, threads = 7 }",
  })
  void busyIdleSpinAddUpToSimulatedTime(String hocon) {
    ModelFactory.Built b = ModelFactory.build(TestModels.settings("sim.end-time = 4ms\n" + hocon));
    RunMetrics m = TestModels.run(b);
    long end = b.sim().endTimeNs();
    long faults = 0;
    for (int c = 0; c < b.topology().cpus(); c++) {
      CpuMeter cpu = m.cpu(c);
      long busy = cpu.stateNs(CpuState.BUSY);
      long idle = cpu.stateNs(CpuState.IDLE);
      long spin = cpu.stateNs(CpuState.SPIN);
      assertEquals(end, busy + idle + spin, "CPU " + c + ": busy " + busy + " idle " + idle + " spin " + spin);
      for (CpuState s : CpuState.values()) {
        assertEquals(cpu.stateNs(s), Arrays.stream(cpu.stateSeries(s)).sum(), "CPU " + c + " " + s + " series");
      }
      faults += m.counter(c, CpuCounter.FAULTS);
    }
    assertTrue(faults > 0, "the workload faulted");
  }
}
