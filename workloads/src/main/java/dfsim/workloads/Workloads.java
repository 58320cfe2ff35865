package dfsim.workloads;

import dfsim.core.config.Settings;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.topology.Topology;

/** The workloads {@code workload.kind} may name. */
public final class Workloads {
  /** Every kind, as spelt in config. */
  public static final String KINDS = "fault-storm | zfod | munmap-storm | alloc-pressure | token-storm | fork-exec | umtx-mutex | cow-fork | program";

  private Workloads() {}

  /** Builds the plan of the configured workload kind. */
  public static WorkloadPlan plan(Settings s, Topology topo) {
    String kind = s.string("workload.kind");
    return switch (kind) {
      case "fault-storm" -> FaultStorm.plan(s, topo);
      case "zfod" -> FaultStorm.zfod(s, topo);
      case "munmap-storm" -> FaultStorm.munmapStorm(s, topo);
      case "alloc-pressure" -> AllocPressure.plan(s, topo);
      case "token-storm" -> TokenStorm.plan(s, topo);
      case "fork-exec" -> ForkExec.plan(s, topo);
      case "umtx-mutex" -> UmtxMutex.plan(s, topo);
      case "cow-fork" -> UmtxMutex.cowFork(s, topo);
      case "program" -> ProgramWorkload.plan(s, topo);
      default -> throw Settings.bad("workload.kind", kind, "one of " + KINDS);
    };
  }
}
