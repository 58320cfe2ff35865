package dfsim.workloads;

import dfsim.core.config.Costs;
import dfsim.core.config.LwktSettings;
import dfsim.core.config.PmapSettings;
import dfsim.core.config.Settings;
import dfsim.core.config.SimSettings;
import dfsim.core.config.UmtxSettings;
import dfsim.core.config.UschedSettings;
import dfsim.core.config.BrkSettings;
import dfsim.core.config.CpuSwitchSettings;
import dfsim.core.config.FdSettings;
import dfsim.core.config.PipeSettings;
import dfsim.core.config.VmFaultSettings;
import dfsim.core.config.VmPageSettings;
import dfsim.core.config.ZoneSettings;
import dfsim.core.kernel.VmFaultPage;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.sim.LogicalProcess;
import dfsim.core.sim.SimModel;
import dfsim.core.topology.LpLayout;
import dfsim.core.topology.Topology;
import dfsim.cpus.CpuLp;
import dfsim.memory.MemoryLp;
import dfsim.scheduler.LwktSchedulerLp;
import dfsim.scheduler.LwktTokenManagerLp;
import java.util.ArrayList;
import java.util.List;

/** Assembles a runnable model from settings: every LP of every module, in id order. */
public final class ModelFactory {
  private ModelFactory() {}

  /** A model ready to run, with what the reports need to describe it. */
  public record Built(SimModel model, Topology topology, SimSettings sim, WorkloadPlan plan) {}

  /** Reads every setting (failing with one line on the first bad one) and builds the LPs. */
  public static Built build(Settings s) {
    return build(s, topo -> Workloads.plan(s, topo));
  }

  /** Builds with a workload other than the configured one (tests script their own programs). */
  public static Built build(Settings s, java.util.function.Function<Topology, WorkloadPlan> workload) {
    SimSettings sim = SimSettings.from(s);
    Topology topo = Topology.from(s, sim.lookaheadNs());
    Costs cost = Costs.from(s);
    LwktSettings lwkt = LwktSettings.from(s);
    ZoneSettings zone = ZoneSettings.from(s, topo.pagesPerNode() * topo.nodes(), topo.cpus());
    PmapSettings pmap = PmapSettings.from(s);
    VmPageSettings vm = VmPageSettings.from(s);
    WorkloadPlan plan = workload.apply(topo);
    LpLayout layout = new LpLayout(topo);
    List<LogicalProcess> lps = new ArrayList<>(layout.size());
    VmFaultSettings fault = VmFaultSettings.from(s);
    UmtxSettings umtx = UmtxSettings.from(s);
    UschedSettings usched = UschedSettings.from(s);
    BrkSettings brk = BrkSettings.from(s);
    PipeSettings pipe = PipeSettings.from(s);
    CpuSwitchSettings switches = CpuSwitchSettings.from(s);
    FdSettings fd = FdSettings.from(s);
    for (int c = 0; c < topo.cpus(); c++) {
      lps.add(new CpuLp(c, layout, cost, sim, lwkt, zone, pmap, vm, fault, umtx, usched, brk, pipe, switches, fd, plan));
    }
    VmFaultPage faultPage = VmFaultPage.of(fault.enterPmap());
    for (int n = 0; n < topo.nodes(); n++) {
      MemoryLp memory = new MemoryLp(n, layout, cost, vm, lwkt, brk, sim.tickNs(), faultPage, plan);
      if (sim.trace()) {
        memory.traceFreePages(sim.traceFromNs(), sim.traceToNs(), SimSettings.MAX_TRACE_COUNTER_SAMPLES / topo.nodes());
      }
      lps.add(memory);
    }
    for (int so = 0; so < topo.sockets(); so++) {
      lps.add(new LwktSchedulerLp(so, layout, plan));
    }
    for (int so = 0; so < topo.sockets(); so++) {
      lps.add(new LwktTokenManagerLp(so, layout, cost));
    }
    SimModel model = new SimModel(lps, layout, sim.lookaheadNs(), sim.endTimeNs(), sim.seed());
    return new Built(model, topo, sim, plan);
  }
}
