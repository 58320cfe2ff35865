package dfsim.workloads;

import dfsim.core.config.BadInputException;
import dfsim.core.config.Settings;
import dfsim.core.program.BinaryImage;
import dfsim.core.program.Segment;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.topology.Topology;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code fork-exec}: {@code workload.processes} single-threaded processes each loop fork + exec
 * of the same static binary + exit, the parent waiting in wait4() on its CPU while the child
 * runs there. Each process first execs the binary itself and touches its pages (its own image,
 * forked from then on). The child touches the pages the binary touches on one run, in a fixed
 * interleaving, with the run's user computation spread between its faults. The binary's file is
 * in the page cache from boot. Op = one fork + exec + exit ("fork-exec").
 *
 * <p>A program ({@link #spec}): its exec, fork and touch-segment steps are the ones a user writes.
 */
public final class ForkExec {
  public static final String OP = "fork-exec";

  private ForkExec() {}

  /** The page accesses of one run: segment, page, write. */
  record Touch(Segment segment, int page, boolean write) {}

  public static WorkloadPlan plan(Settings s, Topology topo) {
    String k = "workload.fork-exec.";
    Placement place = Placement.from(s, topo);
    if (place.threadsPerProcess() != 1) {
      throw Settings.bad("workload.threads", String.valueOf(place.threadsPerProcess()),
          "1 (fork-exec processes are single-threaded)");
    }
    int[] pages = new int[Segment.values().length];
    for (Segment seg : Segment.values()) {
      pages[seg.ordinal()] = s.intIn(k + "pages." + key(seg), seg == Segment.HEADER ? 1 : 0, 1 << 20);
    }
    BinaryImage image = new BinaryImage(0, pages);
    if (image.filePages() > topo.pagesPerNode()) {
      throw new BadInputException(k + "pages: the binary's " + image.filePages()
          + " file pages exceed node 0's " + topo.pagesPerNode() + " pages of page cache");
    }
    List<Touch> touches = touches(s, k, image);
    long computeNs = s.durationNs(k + "compute", 0, 1_000_000_000L);
    return ProgramWorkload.build("fork-exec", spec(pages, touches, computeNs), place, place.cpuOfEach(), topo, 0,
        m -> k + "pages");
  }

  /**
   * The program: exec the binary and run it once (the process's own image), then until the end
   * of the run, as op "fork-exec": fork, and in the child exec the binary, run it, exit. A run is
   * the touches in order with the user computation spread evenly after each.
   */
  static ProgramWorkload.Spec spec(int[] pages, List<Touch> touches, long computeNs) {
    long each = touches.isEmpty() ? 0 : computeNs / touches.size();
    List<ProgramWorkload.Step> run = new ArrayList<>();
    for (Touch t : touches) {
      run.add(new ProgramWorkload.TouchSegment(t.segment(), t.page(), t.write()));
      if (each > 0) {
        run.add(new ProgramWorkload.Compute(each, false));
      }
    }
    List<ProgramWorkload.Step> child = new ArrayList<>();
    child.add(new ProgramWorkload.Exec(0));
    child.addAll(run);
    List<ProgramWorkload.Step> steps = new ArrayList<>();
    steps.add(new ProgramWorkload.Exec(0));
    steps.addAll(run);
    steps.add(new ProgramWorkload.Repeat(0, List.of(new ProgramWorkload.Marker(OP,
        List.of(new ProgramWorkload.Fork(child))))));
    return new ProgramWorkload.Spec(List.of(), List.of(new ProgramWorkload.Image("binary", pages, 0)), steps, 1, OP);
  }

  private static String key(Segment seg) {
    return seg.name().toLowerCase();
  }

  /**
   * The touched pages: of each segment the configured count, spread evenly over it, reads of
   * the file segments and writes of the data segment first; the text's pages in order with the
   * others interleaved among them.
   */
  private static List<Touch> touches(Settings s, String k, BinaryImage image) {
    List<Touch> text = new ArrayList<>();
    List<Touch> other = new ArrayList<>();
    int dataWrites = s.intIn(k + "touch.data-write", 0, image.pages(Segment.DATA));
    int dataReads = s.intIn(k + "touch.data-read", 0, image.pages(Segment.DATA) - dataWrites);
    for (Segment seg : Segment.values()) {
      int n;
      if (seg == Segment.DATA) {
        n = dataWrites + dataReads;
      } else {
        n = s.intIn(k + "touch." + key(seg), 0, image.pages(seg));
      }
      for (int i = 0; i < n; i++) {
        int page = (int) ((long) i * image.pages(seg) / n);
        boolean write = !seg.fileBacked() || (seg == Segment.DATA && i < dataWrites);
        (seg == Segment.TEXT ? text : other).add(new Touch(seg, page, write));
      }
    }
    List<Touch> out = new ArrayList<>(text.size() + other.size());
    int o = 0;
    for (int i = 0; i < text.size(); i++) {
      out.add(text.get(i));
      while (o < other.size() && (long) o * text.size() <= (long) i * other.size()) {
        out.add(other.get(o++));
      }
    }
    out.addAll(other.subList(o, other.size()));
    return out;
  }
}
