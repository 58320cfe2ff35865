package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.config.Settings;
import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.program.BinaryImage;
import dfsim.core.program.Op;
import dfsim.core.program.Segment;
import dfsim.core.program.ThreadSpec;
import dfsim.core.program.VmObjectSpec;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.sim.SimulationFailure;
import dfsim.memory.MemoryLp;
import dfsim.memory.TokenEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Shared and exclusive VM object tokens (501747bf), read from the lock trace at the objects'
 * homes: shared holders of the vnode object overlap in time while exclusive holds never overlap
 * anything; a COW fault in a threaded process starts shared, counts shared_miss, drops the
 * token and retries exclusively, where a single-threaded one goes exclusive at once.
 */
final class SharedFaultTest {
  private static final String BOX = "topology { sockets = 1, cores-per-socket = 4 }\nsim.end-time = 2ms\n";
  private static final BinaryImage IMAGE = new BinaryImage(0, new int[] {1, 8, 2, 2, 1, 1, 1});

  private record Run(RunMetrics metrics, List<TokenEvent> trace) {}

  /** Runs {@code threads} on CPUs 0..n-1 (process ids as given) with the scripts given. */
  private static Run run(String mode, int[] pids, List<List<Op>> scripts) {
    Settings s = TestModels.settings(BOX + "kernel.vm-fault.lock-mode = " + mode);
    List<ThreadSpec> threads = new ArrayList<>();
    for (int i = 0; i < pids.length; i++) {
      threads.add(new ThreadSpec(i, pids[i], 6, i));
    }
    ModelFactory.Built b = ModelFactory.build(s, topo -> new WorkloadPlan("script", "op", threads,
        List.of(new VmObjectSpec(0, 0, IMAGE.filePages(), true)),
        spec -> TestModels.script(scripts.get(spec.tid()).toArray(new Op[0]))));
    List<TokenEvent> trace = new ArrayList<>();
    List<List<TokenEvent>> perNode = new ArrayList<>();
    b.model().lps().stream().filter(lp -> lp instanceof MemoryLp)
        .forEach(lp -> perNode.add(((MemoryLp) lp).traceTokens()));
    RunMetrics m = TestModels.run(b);
    perNode.forEach(trace::addAll);
    return new Run(m, trace);
  }

  /** Hold intervals [grant, release) of one object, by CPU and mode, in grant order. */
  private record Hold(int cpu, boolean shared, long from, long to) {}

  private static List<Hold> holds(List<TokenEvent> trace, int object) {
    List<Hold> out = new ArrayList<>();
    List<TokenEvent> open = new ArrayList<>();
    for (TokenEvent e : trace) {
      if (e.objectId() != object) {
        continue;
      }
      if (e.grant()) {
        open.add(e);
      } else {
        TokenEvent g = open.stream().filter(o -> o.cpu() == e.cpu() && o.shared() == e.shared()).findFirst()
            .orElseThrow(() -> new AssertionError("release without grant: " + e));
        open.remove(g);
        out.add(new Hold(g.cpu(), g.shared(), g.time(), e.time()));
      }
    }
    assertTrue(open.isEmpty(), "holds left open: " + open);
    return out;
  }

  /**
   * Exec, a text read, then a fork whose child execs, writes its data (a shadow of the vnode) and
   * exits: the shadow's termination takes the vnode exclusively in both modes.
   */
  private static List<Op> execThenRead(int textPage) {
    return List.of(new Op.Exec(IMAGE), new Op.MapFault(Segment.TEXT, textPage, false),
        new Op.Fork(), new Op.Exec(IMAGE), new Op.MapFault(Segment.TEXT, textPage, false),
        new Op.MapFault(Segment.DATA, 0, true), new Op.ExitProcess());
  }

  @Test
  void sharedHoldersOfTheVnodeOverlapAndExclusiveHoldsNeverDo() {
    int[] pids = {0, 1, 2, 3};
    List<List<Op>> scripts = List.of(execThenRead(0), execThenRead(1), execThenRead(2), execThenRead(3));
    List<Hold> shared = holds(run("shared-two-stage", pids, scripts).trace(), 0);
    boolean overlap = false;
    for (Hold a : shared) {
      for (Hold b : shared) {
        overlap |= a.cpu() != b.cpu() && a.shared() && b.shared() && a.from() < b.to() && b.from() < a.to();
      }
    }
    assertTrue(overlap, "two CPUs hold the vnode object shared at once: " + shared);

    for (String mode : new String[] {"exclusive", "shared-two-stage"}) {
      List<Hold> all = holds(run(mode, pids, scripts).trace(), 0);
      assertTrue(all.stream().anyMatch(h -> !h.shared()), mode + ": the vnode is taken exclusively too");
      assertTrue(all.stream().anyMatch(Hold::shared), mode + ": and shared");
      for (Hold x : all) {
        if (x.shared()) {
          continue;
        }
        for (Hold o : all) {
          if (o != x) {
            assertTrue(o.to() <= x.from() || x.to() <= o.from(), mode + ": " + x + " overlaps " + o);
          }
        }
      }
    }
  }

  @Test
  void cowInAThreadedProcessMissesSharedAndRetriesExclusive() {
    List<Op> cow = List.of(new Op.Exec(IMAGE), new Op.MapFault(Segment.DATA, 0, true));
    // Thread 0 and thread 1 are one process: two threads, so no single-threaded shortcut.
    Run threaded = run("shared-two-stage", new int[] {0, 0}, List.of(cow, List.of()));
    List<Hold> shadow = shadowHolds(threaded.trace());
    assertEquals(2, shadow.size(), "a shared try, then the exclusive retry: " + shadow);
    assertTrue(shadow.get(0).shared() && !shadow.get(1).shared());
    assertTrue(shadow.get(0).to() <= shadow.get(1).from(), "the shared token is dropped before the retry");
    assertEquals(1, threaded.metrics().counter(0, CpuCounter.SHARED_MISS));

    Run single = run("shared-two-stage", new int[] {0}, List.of(cow));
    List<Hold> direct = shadowHolds(single.trace());
    assertEquals(1, direct.size());
    assertTrue(!direct.get(0).shared(), "single-threaded: exclusive at once");
    assertEquals(0, single.metrics().counter(0, CpuCounter.SHARED_MISS));

    Run old = run("exclusive", new int[] {0, 0}, List.of(cow, List.of()));
    assertEquals(1, shadowHolds(old.trace()).size(), "the old kernel takes the shadow exclusively");
  }

  @Test
  void writingAFilePageAfterReadingItIsRefusedNotSilentlyCheap() {
    // Its COW's vm_page_protect() would walk the page's mappers, which the model does not track.
    List<Op> readThenWrite = List.of(new Op.Exec(IMAGE), new Op.MapFault(Segment.DATA, 1, false),
        new Op.MapFault(Segment.DATA, 1, true));
    SimulationFailure e = assertThrows(SimulationFailure.class,
        () -> run("shared-two-stage", new int[] {0}, List.of(readThenWrite)));
    assertTrue(e.getMessage().contains("writes page 1 of DATA after reading it"), e.getMessage());
    // Writing first, as the fork-exec workload does, needs no mapper walk (PG_MAPPED is clear).
    List<Op> writeFirst = List.of(new Op.Exec(IMAGE), new Op.MapFault(Segment.DATA, 1, true),
        new Op.MapFault(Segment.DATA, 1, false));
    assertEquals(1, shadowHolds(run("shared-two-stage", new int[] {0}, List.of(writeFirst)).trace()).size());
  }

  /** Holds of the data segment's shadow, the one object the run creates that is no vnode. */
  private static List<Hold> shadowHolds(List<TokenEvent> trace) {
    int shadow = trace.stream().mapToInt(TokenEvent::objectId).filter(id -> id >= VmObjectSpec.FIRST_DYNAMIC)
        .findFirst().orElseThrow();
    return holds(trace, shadow);
  }
}
