package dfsim.workloads;

import dfsim.core.config.Settings;
import dfsim.core.program.Op;
import dfsim.core.program.Program;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code alloc-pressure}: threads allocate pages with no object (as the pmap does for
 * page-table pages) and free them in batches, while part of each node's memory has been in use
 * by others since boot, taken from its lowest colours up: CPUs whose colour runs are drained
 * must search far, the more so on memoryless dies. The op is one vm_page_alloc().
 *
 * <p>Not a program: programs allocate pages only through faults, and have no way to drain the
 * nodes at boot.
 */
public final class AllocPressure {
  public static final String OP = "alloc";

  private AllocPressure() {}

  public static WorkloadPlan plan(Settings s, Topology topo) {
    Placement place = Placement.from(s, topo);
    String k = "workload.alloc-pressure.";
    int batch = s.intIn(k + "pages-per-pass", 1, 1 << 20);
    long computeNs = s.durationNs(k + "compute", 0, 1_000_000_000L);
    List<Double> drain = new ArrayList<>();
    for (Number n : s.config().getNumberList(k + "drain")) {
      double d = n.doubleValue();
      if (!(d >= 0 && d < 1)) {
        throw Settings.bad(k + "drain", s.config().getValue(k + "drain").render(com.typesafe.config.ConfigRenderOptions.concise()),
            "a list of fractions in [0, 1), one per NUMA node");
      }
      drain.add(d);
    }
    if (drain.size() > topo.nodes()) {
      throw Settings.bad(k + "drain", s.config().getValue(k + "drain").render(com.typesafe.config.ConfigRenderOptions.concise()),
          "at most one fraction per NUMA node (" + topo.nodes() + ")");
    }
    return new WorkloadPlan("alloc-pressure", OP, place.threads(), List.of(),
        // vm_page_alloc() runs in the kernel with no trap first: it sends at once.
        spec -> new Loop(batch, computeNs), true, drain);
  }

  /** (compute, allocate one page) x batch, then free the batch. */
  static final class Loop implements Program {
    private final int batch;
    private final long computeNs;
    private int page;
    private int step;

    Loop(int batch, long computeNs) {
      this.batch = batch;
      this.computeNs = computeNs;
    }

    @Override
    public Op next(long now, SplittableRandom random) {
      if (page == batch) {
        page = 0;
        return new Op.FreePages();
      }
      switch (step++) {
        case 0:
          return new Op.Compute(Exponential.draw(computeNs, random));
        case 1:
          return new Op.Begin(OP);
        case 2:
          return new Op.AllocPage();
        default:
          step = 0;
          page++;
          return new Op.End(OP);
      }
    }
  }
}
