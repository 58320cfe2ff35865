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
 * waits included (each unmap is timed too, as op "munmap").
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
    List<ThreadSpec> threads = place.threads();
    long[] filePagesOn = new long[topo.nodes()];
    List<VmObjectSpec> objects = new ArrayList<>();
    int[] objectOf = new int[place.totalThreads()];
    int[] baseOf = new int[place.totalThreads()];
    for (int p = 0; p < place.processes(); p++) {
      int first = p * place.threadsPerProcess();
      if (mode != ObjectMode.PRIVATE) {
        int home = homeNode >= 0 ? homeNode : topo.nodeOf(place.cpuOf(first));
        int size = place.threadsPerProcess() * pages;
        objects.add(new VmObjectSpec(objects.size(), home, size, mode == ObjectMode.FILE));
        if (mode == ObjectMode.FILE && (filePagesOn[home] += size) > topo.pagesPerNode()) {
          throw new BadInputException(k + "pages-per-pass = " + pages + ": the files homed on node "
              + home + " need more than its " + topo.pagesPerNode() + " pages of page cache (raise "
              + "topology.memory-per-node)");
        }
      }
      for (int i = 0; i < place.threadsPerProcess(); i++) {
        int tid = first + i;
        int cpu = place.cpuOf(tid);
        if (mode != ObjectMode.PRIVATE) {
          objectOf[tid] = objects.size() - 1;
          baseOf[tid] = i * pages;
        } else {
          objectOf[tid] = objects.size();
          objects.add(new VmObjectSpec(objects.size(), topo.nodeOf(cpu), pages));
        }
      }
    }
    return new WorkloadPlan(kind, opName, threads, objects,
        spec -> new StormProgram(objectOf[spec.tid()], baseOf[spec.tid()], pages, computeNs, sleepNs, passes,
            mode != ObjectMode.FILE),
        false);
  }

  /** One thread's loop: (compute, fault) per page, then unmap, then sleep. */
  static final class StormProgram implements Program {
    private final int object;
    private final int base;
    private final int pages;
    private final long computeMeanNs;
    private final long sleepNs;
    private final int passes;
    /** Write faults (zero-fill of anonymous memory) or read faults (a file's resident pages). */
    private final boolean write;
    private int page;
    private int step;
    private int pass;

    StormProgram(int object, int base, int pages, long computeMeanNs, long sleepNs, int passes, boolean write) {
      this.write = write;
      this.object = object;
      this.base = base;
      this.pages = pages;
      this.computeMeanNs = computeMeanNs;
      this.sleepNs = sleepNs;
      this.passes = passes;
    }

    @Override
    public Op next(long now, SplittableRandom random) {
      if (page < pages) {
        switch (step++) {
          case 0:
            return new Op.Compute(Exponential.draw(computeMeanNs, random));
          case 1:
            return new Op.Begin(OP);
          case 2:
            return new Op.Fault(object, base + page, write);
          default:
            step = 0;
            page++;
            return new Op.End(OP);
        }
      }
      switch (step++) {
        case 0:
          return new Op.Begin(UNMAP_OP);
        case 1:
          return new Op.Unmap(object, base, pages);
        case 2:
          return new Op.End(UNMAP_OP);
        default:
          break;
      }
      step = 0;
      page = 0;
      pass++;
      if (passes > 0 && pass >= passes) {
        return new Op.Exit();
      }
      return sleepNs > 0 ? new Op.Sleep(sleepNs) : next(now, random);
    }
  }
}
