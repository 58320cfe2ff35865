package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.CpuState;
import dfsim.core.metrics.RunMetrics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Under token contention, with two kernel threads per CPU, strict-rr (85946b6c) spends less spin
 * + idle time per completed op than fairq: a CPU whose head is token-blocked runs its other
 * thread instead of spinning on the head.
 */
final class LwktSchedulerContentionTest {

  private record Result(double wastePerOp, long ops, long switches) {}

  private static Result run(int cpus, String scheduler) {
    ModelFactory.Built b = ModelFactory.build(TestModels.settings(
        "topology { sockets = 2, cores-per-socket = " + cpus / 2 + " }\n"
            + "sim { end-time = 30ms, warmup = 10% }\n"
            + "kernel.lwkt.scheduler = " + scheduler + "\n"
            + "workload { kind = token-storm, threads = " + 2 * cpus
            + ", token-storm { tokens = 4, hold = 2us, compute = 5us, priorities = [10] } }"));
    RunMetrics m = TestModels.run(b);
    long waste = 0;
    long ops = 0;
    long switches = 0;
    for (int c = 0; c < cpus; c++) {
      waste += m.cpu(c).measuredStateNs(CpuState.SPIN) + m.cpu(c).measuredStateNs(CpuState.IDLE);
      var op = m.cpu(c).ops().get(TokenStorm.OP);
      ops += op == null ? 0 : op.count();
      switches += m.counter(c, CpuCounter.CONTEXT_SWITCHES);
    }
    return new Result((double) waste / ops, ops, switches);
  }

  @ParameterizedTest(name = "{0} CPUs")
  @ValueSource(ints = {8, 16, 32})
  void strictRrWastesLessPerOpThanFairq(int cpus) {
    Result fairq = run(cpus, "fairq");
    Result strict = run(cpus, "strict-rr");
    assertTrue(strict.wastePerOp() < fairq.wastePerOp(),
        "spin+idle per op: strict-rr " + strict.wastePerOp() + " vs fairq " + fairq.wastePerOp());
    // fairq switches only on the tick; strict-rr switches to runnable threads behind a blocked head.
    assertTrue(strict.switches() > 10 * fairq.switches(),
        "switches: strict-rr " + strict.switches() + " vs fairq " + fairq.switches());
  }

  /**
   * Hand-off pairs with two threads per CPU: wakeups land while a CPU polls or tries tokens, so
   * grants to cancelled polls cross new requests for the same thread and token. Every run must
   * reach its end with tokens held by one thread at a time (a manager refuses a release by a
   * non-owner, failing the run).
   */
  @ParameterizedTest(name = "{0}, spin {1}, seed {2}")
  @CsvSource({"fairq, 0, 1", "fairq, 1, 2", "fairq, 5, 3", "strict-rr, 0, 1", "strict-rr, 1, 2",
      "strict-rr, 5, 3", "strict-rr, 5, 1", "fairq, 5, 2"})
  void handoffPairsKeepTokensExclusive(String scheduler, int spin, int seed) {
    ModelFactory.Built b = ModelFactory.build(TestModels.settings(
        "sim { end-time = 5ms, seed = " + seed + " }\n"
            + "kernel.lwkt { scheduler = " + scheduler + ", token-spin = " + spin + " }\n"
            + "workload { kind = token-storm, threads = 32, token-storm.handoff = true }"));
    RunMetrics m = TestModels.run(b);
    long ipis = 0;
    long ops = 0;
    for (int c = 0; c < b.topology().cpus(); c++) {
      ipis += m.counter(c, CpuCounter.IPIS_RECEIVED);
      var op = m.cpu(c).ops().get(TokenStorm.OP);
      ops += op == null ? 0 : op.count();
    }
    assertTrue(ipis > 100 && ops > 100, ipis + " IPIs, " + ops + " ops");
  }
}
