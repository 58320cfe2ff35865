package dfsim.workloads;

import dfsim.core.config.BadInputException;
import dfsim.core.config.Settings;
import dfsim.core.program.Op;
import dfsim.core.program.Program;
import dfsim.core.program.ThreadSpec;
import dfsim.core.program.VmObjectSpec;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code fault-storm}: each process's threads take zero-fill faults on pages of one shared VM
 * object (each thread on its own range of it) or of one private object per thread. A thread
 * computes for an exponentially distributed time between faults, faults on each page of its
 * range once per pass, then unmaps the range (freeing the pages, so the next pass faults again)
 * and optionally sleeps. The op is one fault: its latency is the fault's service time, lock
 * waits included (each unmap is timed too, as op "munmap"). It is a program
 * ({@link ProgramWorkload}) built from these keys, with the same results as the class it replaced.
 */
public final class FaultStorm {
  /** The name of the workload's unit of work. */
  public static final String OP = "fault";
  /** The name of an unmap, the unit of work of {@code munmap-storm}. */
  public static final String UNMAP_OP = "munmap";

  /**
   * {@code workload.fault-storm.object}: one anonymous object per process or per thread, or one
   * file per process, resident in the page cache from boot, whose pages the threads read-fault
   * and unmap again (soft faults: nothing is allocated or freed).
   */
  public enum ObjectMode { SHARED, PRIVATE, FILE }

  private FaultStorm() {}

  /** Builds the plan from {@code workload.fault-storm.*}. */
  public static WorkloadPlan plan(Settings s, Topology topo) {
    String k = "workload.fault-storm.";
    return plan(s, topo, "fault-storm", OP, k, s.choice(k + "object", ObjectMode.class),
        s.intIn(k + "home-node", -1, topo.nodes() - 1));
  }

  /**
   * {@code munmap-storm}: processes of {@code workload.threads} threads each fault a few pages of
   * their own private memory and unmap them again; op = one munmap, whose TLB invalidation is
   * local for a single-threaded process and IPIs every other CPU of a threaded one.
   */
  public static WorkloadPlan munmapStorm(Settings s, Topology topo) {
    return plan(s, topo, "munmap-storm", UNMAP_OP, "workload.munmap-storm.", ObjectMode.PRIVATE, -1);
  }

  /**
   * {@code zfod}: threads take zero-fill faults on private anonymous memory and unmap it again,
   * so that their frees feed the zone and page queues (the fault storm with private objects,
   * keys under {@code workload.zfod.*}).
   */
  public static WorkloadPlan zfod(Settings s, Topology topo) {
    return plan(s, topo, "zfod", OP, "workload.zfod.", ObjectMode.PRIVATE, -1);
  }

  private static WorkloadPlan plan(Settings s, Topology topo, String kind, String opName, String k,
      ObjectMode mode, int homeNode) {
    Placement place = Placement.from(s, topo);
    int pages = s.intIn(k + "pages-per-pass", 1, 1 << 20);
    long computeNs = s.durationNs(k + "compute", 0, 1_000_000_000L);
    long sleepNs = s.durationNs(k + "sleep", 0, 1_000_000_000_000L);
    int passes = s.intIn(k + "passes", 0, Integer.MAX_VALUE);
    long footprint = (long) place.totalThreads() * pages;
    if (footprint > topo.pagesPerNode() * topo.nodes()) {
      throw new BadInputException(k + "pages-per-pass = " + pages + ": " + place.totalThreads()
          + " threads x " + pages + " pages exceed the box's " + topo.pagesPerNode() * topo.nodes()
          + " pages (raise topology.memory-per-node)");
    }
    // The same as a program: one mapping, anonymous or a file, per thread (private) or per
    // process with a slice per thread (shared, file), faulted page by page, then unmapped.
    ProgramWorkload.Per per = mode == ObjectMode.PRIVATE ? ProgramWorkload.Per.THREAD : ProgramWorkload.Per.SLICE;
    boolean file = mode == ObjectMode.FILE;
    List<ProgramWorkload.Step> steps = new ArrayList<>(List.of(
        new ProgramWorkload.Repeat(pages, List.of(new ProgramWorkload.Compute(computeNs, true),
            new ProgramWorkload.Marker(OP, List.of(new ProgramWorkload.Touch(0, 1, false, !file))))),
        new ProgramWorkload.Marker(UNMAP_OP, List.of(new ProgramWorkload.Munmap(0)))));
    if (sleepNs > 0) {
      steps.add(new ProgramWorkload.Sleep(sleepNs));
    }
    ProgramWorkload.Spec spec = new ProgramWorkload.Spec(
        List.of(new ProgramWorkload.Mapping("storm", file, pages, per, mode == ObjectMode.PRIVATE ? -1 : homeNode)),
        steps, passes, opName);
    return ProgramWorkload.build(kind, spec, place, place.cpuOfEach(), topo, 0, m -> k + "pages-per-pass = " + pages);
  }
}
