package dfsim.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.config.Settings;
import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.LockClass;
import dfsim.core.metrics.MetricsReport;
import dfsim.core.metrics.RunInfo;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.program.Op;
import dfsim.core.program.WorkloadPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code workload.kind = program}: each step and structure element gives the operations worked
 * out by hand; a program written like the fault storm runs exactly as the fault-storm class; a
 * program runs on a real box and counts its ops.
 */
final class ProgramWorkloadTest {
  private static final String BOX = "topology { sockets = 1, cores-per-socket = 4 }\nsim.end-time = 1ms\n"
      + "workload { kind = program, threads = 2 }\n";

  private static Settings settings(String program) {
    return TestModels.settings(BOX + "workload.program {\n" + program + "\n}\n");
  }

  /** The first {@code n} operations thread {@code tid} issues, its random stream seeded with 7. */
  private static List<Op> ops(String program, int tid, int n) {
    Settings s = settings(program);
    return ops(ProgramWorkload.plan(s, ModelFactory.build(s).topology()), tid, n);
  }

  /** The first {@code n} operations thread {@code tid} of {@code plan} issues. */
  private static List<Op> ops(WorkloadPlan plan, int tid, int n) {
    ProgramRunner r = (ProgramRunner) plan.programs().create(plan.threads().get(tid));
    // Without markers each pass is op "pass": its Begin and End are left out here.
    List<Op> out = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(7);
    while (out.size() < n) {
      Op op = r.next(0, random);
      if (!op.equals(new Op.Begin("pass")) && !op.equals(new Op.End("pass"))) {
        out.add(op);
      }
    }
    return out;
  }

  private static final String MEM = "mappings = [{ name = mem, pages = 4 }]\n";

  @Test
  void computeIsFixedOrDrawnFromTheThreadsStream() {
    assertEquals(List.of(new Op.Compute(2_000), new Op.Compute(2_000)),
        ops("steps = [{ compute = 2us }], repeat = 2", 0, 2));
    SplittableRandom same = new SplittableRandom(7);
    assertEquals(List.of(new Op.Compute(Exponential.draw(2_000, same)), new Op.Compute(Exponential.draw(2_000, same))),
        ops("steps = [{ compute-mean = 2us }]", 0, 2));
  }

  @Test
  void aTouchFaultsOnlyOnPagesThisThreadHasNotMapped() {
    // Objects: thread 0's mapping is object 0, thread 1's object 1 (per = thread).
    List<Op> ops = ops(MEM + "steps = [{ touch = mem, pages = 3 }, { touch = mem, pages = 3 }, { sleep = 1us }]", 1, 5);
    assertEquals(List.of(new Op.Fault(1, 0, true), new Op.Fault(1, 1, true), new Op.Fault(1, 2, true),
        // The cursor goes on at page 3 and wraps to 0 and 1, already mapped: no fault.
        new Op.Fault(1, 3, true), new Op.Sleep(1_000)), ops);
  }

  @Test
  void aSliceIsTheThreadsOwnRangeOfItsProcesssObject() {
    // One object of 2 x 4 pages for the process; thread 1's slice starts at page 4.
    assertEquals(List.of(new Op.Fault(0, 4, true), new Op.Fault(0, 5, true), new Op.Unmap(0, 4, 4)),
        ops("mappings = [{ name = mem, pages = 4, per = slice }]\nsteps = [{ touch = mem, pages = 2 }, { munmap = mem }]",
            1, 3));
  }

  @Test
  void munmapUnmapsTheMappingAndTheNextTouchFaultsAgainFromItsStart() {
    List<Op> ops = ops(MEM + "steps = [{ touch = mem, pages = all }, { munmap = mem }]", 0, 11);
    List<Op> pass = List.of(new Op.Fault(0, 0, true), new Op.Fault(0, 1, true), new Op.Fault(0, 2, true),
        new Op.Fault(0, 3, true), new Op.Unmap(0, 0, 4));
    List<Op> two = new ArrayList<>(pass);
    two.addAll(pass);
    two.add(new Op.Fault(0, 0, true));
    assertEquals(two, ops);
  }

  @Test
  void mmapMapsAnewAndTheMunmapOfAnUntouchedMappingHasNoObject() {
    assertEquals(List.of(new Op.Mmap(1, -1), new Op.UnmapEmpty(1, -1, 4), new Op.Mmap(1, -1), new Op.Fault(1, 0, true),
        new Op.Unmap(1, 0, 4), new Op.Mmap(1, -1), new Op.UnmapEmpty(1, -1, 4)),
        ops(MEM + "steps = [{ mmap = mem }, { munmap = mem }, { mmap = mem }, { touch = mem, pages = 1 }, "
            + "{ munmap = mem }]", 1, 7));
  }

  /**
   * mmap and the munmap of an untouched mapping take the map token and touch nothing else; with
   * a touch between them the munmap takes the object's token and frees the page. The munmap holds
   * the map token in an era whose faults do not (2017 on: map-token = off).
   */
  @Test
  void mmapAndAnUntouchedMunmapTakeTheMapTokenAlone() {
    String box = "topology { sockets = 1, cores-per-socket = 2 }\nsim.end-time = 1ms\n"
        + "kernel.vm-fault.map-token = off\n"
        + "workload { kind = program, threads = 2, program {\n"
        + "mappings = [{ name = mem, pages = 8 }]\nrepeat = 3\nsteps = [";
    RunMetrics empty = TestModels.run(ModelFactory.build(TestModels.settings(box + "{ mmap = mem }, { munmap = mem }] } }")));
    // Two threads x 3 passes x (mmap + munmap).
    assertEquals(12, empty.contention(LockClass.VM_MAP).acquires);
    assertEquals(0, empty.contention(LockClass.VM_OBJECT).acquires);
    for (CpuCounter k : List.of(CpuCounter.FAULTS, CpuCounter.PAGE_ALLOCS, CpuCounter.IPIS_SENT,
        CpuCounter.TLB_INVALIDATIONS)) {
      assertEquals(0, TestModels.total(empty, k), k.name());
    }
    RunMetrics touched = TestModels.run(ModelFactory.build(TestModels.settings(box
        + "{ mmap = mem }, { touch = mem, pages = 1 }, { munmap = mem }] } }")));
    // The faults take no map token in this era; the munmaps do, and the object's.
    assertEquals(12, touched.contention(LockClass.VM_MAP).acquires);
    assertEquals(6, TestModels.total(touched, CpuCounter.FAULTS));
    assertEquals(6, TestModels.total(touched, CpuCounter.PAGE_ALLOCS));
    assertTrue(touched.contention(LockClass.VM_OBJECT).acquires >= 12, "the faults' and the munmaps' object holds");
  }

  /**
   * mmap2's private file mapping: the mmap references the vnode's object, the munmap of the
   * untouched entry scans the empty range (a pv lookup per 2 MB: 4 for 2048 pages) and drops the
   * reference under the object's token. Before 501747bf the reference takes the token too; from it
   * the reference is lockless. Nothing is faulted, mapped or invalidated.
   */
  @Test
  void mmapOfAPrivateFileReferencesItsObjectAndTheMunmapScansAndDropsIt() {
    String box = "topology { sockets = 1, cores-per-socket = 2 }\nsim.end-time = 1ms\n"
        + "kernel.vm-fault.lock-mode = %s\nworkload { kind = program, threads = 1, program {\n"
        + "mappings = [{ name = f, kind = %s, pages = 2048, per = thread }]\nrepeat = 3\n"
        + "steps = [{ op = pair, steps = [{ mmap = f }, { munmap = f }] }] } }";
    assertEquals(List.of(new Op.Mmap(1, 0), new Op.UnmapEmpty(1, 0, 2048)), ops("mappings = [{ name = f, kind = "
        + "private-file, pages = 2048, per = thread }]\nsteps = [{ mmap = f }, { munmap = f }]", 0, 2));
    RunMetrics anon = TestModels.run(ModelFactory.build(TestModels.settings(String.format(box, "exclusive",
        "anonymous"))));
    for (String mode : List.of("exclusive", "shared-two-stage")) {
      RunMetrics file = TestModels.run(ModelFactory.build(TestModels.settings(String.format(box, mode,
          "private-file"))));
      assertEquals(6, file.contention(LockClass.VM_MAP).acquires, mode);
      // 3 passes: the deallocate's token each, and the reference's before 501747bf.
      assertEquals(mode.equals("exclusive") ? 6 : 3, file.contention(LockClass.VM_OBJECT).acquires, mode);
      for (CpuCounter k : List.of(CpuCounter.FAULTS, CpuCounter.PAGE_ALLOCS, CpuCounter.IPIS_SENT,
          CpuCounter.TLB_INVALIDATIONS)) {
        assertEquals(0, TestModels.total(file, k), mode + " " + k.name());
      }
      // Beyond the anonymous pair, by hand: the file's lookup (holdfp() through the thread's
      // cache, kernel.fd.holdfp's default: 20 ns), the scan, 4 x cost.vm-page-lookup = 100 ns; exclusive:
      // the reference and the drop each a trip to the object's home and back (2 x 20 ns) around
      // its atomic (20 ns), 120 ns; shared-two-stage: the lockless reference's trip (40 ns), the
      // drop refused at 2 refs (40 ns) and made under the token (60 ns), 140 ns.
      double extra = TestModels.op(file, "pair").meanNs() - TestModels.op(anon, "pair").meanNs();
      assertEquals(mode.equals("exclusive") ? 240 : 260, extra, 1e-9, mode);
    }
    assertEquals(0, anon.contention(LockClass.VM_OBJECT).acquires);
  }

  @Test
  void brkMovesTheSharedBreakUnderTheMapTokenAsEachEraDid() {
    // No mappings: object 0 is the process's object above the break.
    assertEquals(List.of(new Op.Brk(0, 2), new Op.Brk(0, 1)), ops("steps = [{ brk = 2 }, { brk = 1 }]", 0, 2));
    String box = "topology { sockets = 1, cores-per-socket = 2 }\nsim.end-time = 1ms\n"
        + "kernel { brk = %s, vm-fault.lock-mode = %s }\nworkload { kind = program, processes = %d, threads = %d, "
        + "program { repeat = %d, steps = [{ op = up, steps = [{ brk = 2 }] }, { op = down, steps = [{ brk = 1 }] }] } }";
    // By hand, one thread on CPU 0, its map token and object homed on node 0 (a trip there and
    // back 40 ns): each call the entry (100) and the map token (40), 140 ns. A grow extending the
    // entry: vm_map_find() (2 atomics, a lookup: 65), vm_object_coalesce() under the object's
    // token (40 + 2 atomics: 80); the first grow's new entry costs an entry more (115), and with
    // coalesce a hold to reference the bss object (60). A shrink: vm_map_remove() (2 atomics, a
    // lookup, 2 entries: 165), the clip's reference under the token (60), the token again (40)
    // for the empty pmap_remove() (25) and vm_object_page_remove() (65), then the drop: under the
    // token (60) before 501747bf, else refused lockless at 2-3 refs (40) and made under it (60).
    // The first shrink in own-entry allocates the object (100).
    // kernel.brk, lock mode, first up, later ups, first down, later downs, object tokens in 3 passes.
    for (String[] c : new String[][] {
        {"coalesce", "exclusive", "395", "285", "555", "555", "13"},
        {"own-entry", "shared-two-stage", "255", "285", "695", "595", "11"},
        {"grow-only", "shared-two-stage", "255", "140", "140", "140", "0"}}) {
      RunMetrics m = TestModels.run(ModelFactory.build(TestModels.settings(String.format(box, c[0], c[1], 1, 1, 3))));
      assertEquals(3, TestModels.op(m, "up").count(), c[0]);
      assertEquals((Long.parseLong(c[2]) + 2 * Long.parseLong(c[3])) / 3.0, TestModels.op(m, "up").meanNs(), 1e-9, c[0]);
      assertEquals((Long.parseLong(c[4]) + 2 * Long.parseLong(c[5])) / 3.0, TestModels.op(m, "down").meanNs(), 1e-9,
          c[0]);
      assertEquals(Long.parseLong(c[6]), m.contention(LockClass.VM_OBJECT).acquires, c[0]);
      assertEquals(6, m.contention(LockClass.VM_MAP).acquires, c[0]);
      assertEquals(0, TestModels.total(m, CpuCounter.FAULTS) + TestModels.total(m, CpuCounter.TLB_INVALIDATIONS), c[0]);
    }
    // Two processes each move their own break: a grow from the start and a shrink each (5 object
    // tokens). Two threads of one process share theirs: a call that finds the break where it
    // asks does nothing, and they wait for each other's map token.
    RunMetrics processes = TestModels.run(ModelFactory.build(TestModels.settings(String.format(box, "coalesce",
        "exclusive", 2, 1, 1))));
    RunMetrics threads = TestModels.run(ModelFactory.build(TestModels.settings(String.format(box, "coalesce",
        "exclusive", 1, 2, 1))));
    assertEquals(10, processes.contention(LockClass.VM_OBJECT).acquires);
    assertEquals(0, processes.contention(LockClass.VM_MAP).contended);
    assertTrue(threads.contention(LockClass.VM_OBJECT).acquires < 10, threads.contention(LockClass.VM_OBJECT).acquires
        + " object tokens");
    assertTrue(threads.contention(LockClass.VM_MAP).contended > 0);
  }

  @Test
  void aTaskAndItsPartnerPingPongThroughPipesWithThreeSwitchesPerWakeup() {
    String pair = "pipes = [ping, pong]\nsteps = [{ pipe-write = ping }, { pipe-read = pong }]\n"
        + "partner = [{ pipe-read = ping }, { pipe-write = pong }]";
    // Task i's pipes are 2i and 2i + 1; its partner is thread tasks + i, on its CPU.
    assertEquals(List.of(new Op.PipeWrite(2), new Op.PipeRead(3)), ops(pair, 1, 2));
    Settings two = settings(pair);
    WorkloadPlan threads = ProgramWorkload.plan(two, ModelFactory.build(two).topology());
    assertEquals(List.of(new Op.PipeRead(2), new Op.PipeWrite(3)), ops(threads, 3, 2));
    assertEquals(threads.threads().get(1).cpu(), threads.threads().get(3).cpu());
    // Threads mode: the partner is a thread of the task's process; processes mode, a process of its own.
    assertEquals(0, threads.threads().get(3).pid());
    Settings procs = TestModels.settings(BOX + "workload { processes = 2, threads = 1, program {\n" + pair
        + "\npartner-as = process\n} }");
    WorkloadPlan processes = ProgramWorkload.plan(procs, ModelFactory.build(procs).topology());
    assertEquals(List.of(0, 1, 2, 3), processes.threads().stream().map(t -> t.pid()).toList());

    String box = "topology { sockets = 1, cores-per-socket = 2 }\nsim.end-time = 1ms\n"
        + "kernel { usched = %s, pipe { delay = %s, knote = %s, rblocked-count = %s }, lwkt.switch-count = %s, "
        + "pmap.switch-pm-active = %s }\nworkload { kind = program, threads = 1, program { repeat = 3, pipes = [ping, pong]"
        + "\nsteps = [{ op = w, steps = [{ pipe-write = ping }] }, { op = r, steps = [{ pipe-read = pong }] }]"
        + "\npartner = [{ pipe-read = ping }, { pipe-write = pong }], partner-as = %s } }";
    // By hand, the 2019 kernel, one pair on CPU 0, nothing shared: a write 100 (entry) + 20
    // (holdfp() through the thread's cache) + 80 (the pipe's token, copy, state) + 40 if it wakes
    // the reader; a read that finds the byte 160; one that sleeps 160 + the poll (4,000) + tsleep
    // (40) + the slot's release (80), then the switch (300). The woken thread, before its read
    // ends: 3 x its switch writes (the two processes' pm_active, 2 x 20, and %cr3, 300), 2 more
    // switches (600), its requeue (40), the copy (40): 1,700. The task's first write wakes nobody
    // (200); its first read sleeps while the partner reads the byte, writes (240) and sleeps:
    // 4,280 + 300 + 160 + 240 + 4,280 + 300 + 1,700 = 11,260; later reads: 4,280 + 300 + 1,700 +
    // 240 + 4,280 + 300 + 1,700 = 12,800.
    RunMetrics m = TestModels.run(ModelFactory.build(TestModels.settings(String.format(box, "dfly-pcpu-mask", "4us",
        "none", "off", "off", "always", "process"))));
    assertEquals(3, TestModels.op(m, "r").count());
    assertEquals((200 + 2 * 240) / 3.0, TestModels.op(m, "w").meanNs(), 1e-9);
    assertEquals((11_260 + 2 * 12_800) / 3.0, TestModels.op(m, "r").meanNs(), 1e-9);
    // Six sleeps (the partner's first read finds its byte; its last sleeps for good), five
    // wakeups: 6 LWKT switches to the woken thread and 2 more for each wakeup, the start and the
    // task's exit (to the idle thread).
    assertEquals(6 + 2 * 5 + 2, TestModels.total(m, CpuCounter.CONTEXT_SWITCHES));
    assertEquals(0, m.contention(LockClass.USCHED).acquires + m.contention(LockClass.TOKEN).acquires);
    // Each era's globals: the slot's release at each sleep and at the task's exit (bsd4: the mask
    // twice and bsd4_spin; dfly: the mask twice) and bsd4's requeue under bsd4_spin at each wakeup, which IPIs
    // bsd4_scancpu's CPU's helper when that is the other CPU (scancpu 1, 3, 5 of the 5 wakeups),
    // clearing its bit in bsd4_rdyprocmask first; the 2011 knote()'s kq_token on each of the 12
    // writes and reads that move a byte.
    for (String[] c : new String[][] {{"bsd4", "kq-token", String.valueOf(7 * 3 + 5 + 3), "12", "3"},
        {"dfly", "pool-token", String.valueOf(7 * 2), "0", "0"}, {"dfly-pcpu-mask", "none", "0", "0", "0"}}) {
      RunMetrics e = TestModels.run(ModelFactory.build(TestModels.settings(String.format(box, c[0], "4us", c[1], "on",
          "on", "same-vmspace", "process"))));
      assertEquals(Long.parseLong(c[2]), e.contention(LockClass.USCHED).acquires, c[0]);
      assertEquals(Long.parseLong(c[3]), e.contention(LockClass.TOKEN).acquires, c[1]);
      assertEquals(Long.parseLong(c[4]), TestModels.total(e, CpuCounter.IPIS_SENT), c[0]);
      assertEquals(Long.parseLong(c[4]), TestModels.total(e, CpuCounter.IPIS_RECEIVED), c[0]);
    }
    // A thread partner before b4758707dd: one local op per switch, %cr3 kept: 3 x 20 + 600 + 40 +
    // 40 = 740 where processes take 1,700; the first read 10,300, later ones 10,880.
    RunMetrics thread = TestModels.run(ModelFactory.build(TestModels.settings(String.format(box, "dfly-pcpu-mask", "4us",
        "none", "off", "off", "same-vmspace", "thread"))));
    assertEquals((10_300 + 2 * 10_880) / 3.0, TestModels.op(thread, "r").meanNs(), 1e-9);
    // The poll: 1 us more per sleep, two sleeps in each later read.
    RunMetrics slow = TestModels.run(ModelFactory.build(TestModels.settings(String.format(box, "dfly-pcpu-mask", "5us",
        "none", "off", "off", "always", "process"))));
    assertEquals((11_260 + 2_000 + 2 * (12_800 + 2_000)) / 3.0, TestModels.op(slow, "r").meanNs(), 1e-9);
    // Threads of one process on two CPUs share its pm_active: the same-vmspace switch writes it
    // once, always twice, each an atomic at its home; the processes of processes mode keep theirs.
    String shared = box.replace("threads = 1,", "threads = 2,").replace("cores-per-socket = 2", "cores-per-socket = 4");
    double once = TestModels.op(TestModels.run(ModelFactory.build(TestModels.settings(String.format(shared, "dfly-pcpu-mask",
        "4us", "none", "off", "off", "same-vmspace", "thread")))), "r").meanNs();
    double twice = TestModels.op(TestModels.run(ModelFactory.build(TestModels.settings(String.format(shared,
        "dfly-pcpu-mask", "4us", "none", "off", "off", "always", "thread")))), "r").meanNs();
    assertTrue(twice > once + 6 * 40, once + " " + twice);
  }

  @Test
  void holdfpTakesTheProcesssFdSpinAsEachEraDid() {
    String box = "topology { sockets = 1, cores-per-socket = 4 }\nsim.end-time = 1ms\n"
        + "kernel { usched = dfly-pcpu-mask, pipe { delay = 4us, knote = none, rblocked-count = off }, "
        + "lwkt.switch-count = off, pmap.switch-pm-active = always, fd.holdfp = %s }\n"
        + "workload { kind = program, threads = %d, program { repeat = 3, pipes = [ping, pong]"
        + "\nsteps = [{ op = w, steps = [{ pipe-write = ping }] }, { op = r, steps = [{ pipe-read = pong }] }]"
        + "\npartner = [{ pipe-read = ping }, { pipe-write = pong }], partner-as = process } }";
    // One task alone (its fd_spin a line of this CPU): the lock or its shared take and drop,
    // fhold() and fdrop(), 4 x 20 ns, where the thread's cache takes 20: 60 ns more per call.
    for (String mode : List.of("exclusive", "shared")) {
      RunMetrics m = TestModels.run(ModelFactory.build(TestModels.settings(String.format(box, mode, 1))));
      assertEquals((200 + 60 + 2 * (240 + 60)) / 3.0, TestModels.op(m, "w").meanNs(), 1e-9, mode);
    }
    // Two tasks of one process on two CPUs share its fd_spin: each take is a trip to its home
    // and the line's move, the exclusive lock held across the lookup.
    double cache = TestModels.op(TestModels.run(ModelFactory.build(TestModels.settings(String.format(box,
        "thread-cache", 2)))), "w").meanNs();
    double shared = TestModels.op(TestModels.run(ModelFactory.build(TestModels.settings(String.format(box, "shared",
        2)))), "w").meanNs();
    double exclusive = TestModels.op(TestModels.run(ModelFactory.build(TestModels.settings(String.format(box,
        "exclusive", 2)))), "w").meanNs();
    assertTrue(shared > cache + 2 * 40 && exclusive > cache + 40, cache + " " + shared + " " + exclusive);
  }

  @Test
  void aRandomTouchDrawsPagesAndFaultsEachOnce() {
    List<Op> ops = ops("mappings = [{ name = mem, pages = 1000 }]\nsteps = [{ touch = mem, pages = 50, order = random }"
        + ", { sleep = 1us }]", 0, 60);
    SplittableRandom same = new SplittableRandom(7);
    List<Op> expected = new ArrayList<>();
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int k = 0; k < 50; k++) {
      int page = same.nextInt(1000);
      if (seen.add(page)) {
        expected.add(new Op.Fault(0, page, true));
      }
    }
    expected.add(new Op.Sleep(1_000));
    assertEquals(expected, ops.subList(0, expected.size()));
  }

  @Test
  void aStoreToAPrivateFileMappingIsACopyOnWriteThroughItsShadow() {
    // Per thread: the file, then its shadow (thread 0: objects 0 and 1, thread 1: 2 and 3).
    assertEquals(List.of(new Op.CowFault(3, 0, 2), new Op.CowFault(3, 1, 2), new Op.Unmap(3, 0, 4),
        new Op.CowFault(3, 0, 2)),
        ops("mappings = [{ name = f, kind = private-file, pages = 4 }]\n"
            + "steps = [{ touch = f, pages = 2 }, { munmap = f }]", 1, 4));
    // A shared file mapping's store faults on the file's own object.
    assertEquals(List.of(new Op.Fault(1, 0, true), new Op.Fault(1, 1, false)),
        ops("mappings = [{ name = f, kind = file, pages = 4 }]\n"
            + "steps = [{ touch = f, pages = 1, write = true }, { touch = f, pages = 1 }]", 1, 2));
  }

  @Test
  void madviseAdvisesThePagesJustReachedOfWhichTheMappedOnesAreResident() {
    // Anonymous: resident are the pages this thread mapped since its munmap.
    assertEquals(List.of(new Op.Fault(0, 0, true), new Op.Madvise(0, 1, List.of(0)), new Op.Fault(0, 1, true),
        new Op.Madvise(0, 2, List.of(0, 1)), new Op.Madvise(0, 4, List.of(0, 1))),
        ops(MEM + "steps = [{ touch = mem, pages = 1 }, { madvise = mem, pages = 1 }, { touch = mem, pages = 1 }, "
            + "{ madvise = mem, pages = 2 }, { madvise = mem }]", 0, 5));
    // A slice's pages are its own range of the process's object; behind the cursor wraps around.
    assertEquals(List.of(new Op.Madvise(0, 1, List.of()), new Op.Fault(0, 4, true), new Op.Madvise(0, 2, List.of(4))),
        ops("mappings = [{ name = mem, pages = 4, per = slice }]\n"
            + "steps = [{ madvise = mem, pages = 1 }, { touch = mem, pages = 1 }, { madvise = mem, pages = 2 }]", 1, 3));
    // A file's pages are all resident, mapped or not.
    assertEquals(List.of(new Op.Madvise(1, 2, List.of(2, 3))),
        ops("mappings = [{ name = f, kind = file, pages = 4 }]\nsteps = [{ madvise = f, pages = 2 }]", 1, 1));
  }

  @Test
  void madviseDeactivatesEachResidentPageUnderItsObjectAndQueueLocksAndUnmapsNothing() {
    String box = "topology { sockets = 1, cores-per-socket = 2 }\nsim.end-time = 1ms\n"
        + "workload { kind = program, threads = 1, program {\n"
        + "mappings = [{ name = mem, pages = 8 }]\nrepeat = 1\nsteps = [";
    RunMetrics plain = TestModels.run(ModelFactory.build(TestModels.settings(box + "{ touch = mem, pages = 5 }] } }")));
    RunMetrics advised = TestModels.run(ModelFactory.build(TestModels.settings(box
        + "{ touch = mem, pages = 5 }, { madvise = mem, pages = 3 }, { madvise = mem }] } }")));
    // vm_object_hold() once per call; a queue move per resident page (3, then the 5 mapped of 8).
    assertEquals(plain.contention(LockClass.VM_OBJECT).acquires + 2, advised.contention(LockClass.VM_OBJECT).acquires);
    assertEquals(plain.contention(LockClass.PAGE_QUEUE).acquires + 8, advised.contention(LockClass.PAGE_QUEUE).acquires);
    assertEquals(5, TestModels.total(advised, CpuCounter.FAULTS));
    assertEquals(0, TestModels.total(advised, CpuCounter.TLB_INVALIDATIONS));
    assertEquals(0, TestModels.total(advised, CpuCounter.IPIS_SENT));
  }

  @Test
  void aPrivateFileStoreCopiesTheFilesPageAndASharedOneMapsIt() {
    String box = "topology { sockets = 1, cores-per-socket = 2 }\nsim.end-time = 1ms\n"
        + "workload { kind = program, threads = 1, program { repeat = 1\n";
    RunMetrics cow = TestModels.run(ModelFactory.build(TestModels.settings(box
        + "mappings = [{ name = f, kind = private-file, pages = 6 }]\nsteps = [{ touch = f, pages = 6 }] } }")));
    RunMetrics shared = TestModels.run(ModelFactory.build(TestModels.settings(box
        + "mappings = [{ name = f, kind = file, pages = 6 }]\nsteps = [{ touch = f, pages = 6, write = true }] } }")));
    assertEquals(6, TestModels.total(cow, CpuCounter.FAULTS));
    assertEquals(6, TestModels.total(cow, CpuCounter.PAGE_ALLOCS), "a copy in the shadow per store");
    // Each COW holds the shadow exclusively (a single-threaded process), then the file's object shared.
    assertEquals(12, cow.contention(LockClass.VM_OBJECT).acquires);
    assertEquals(6, TestModels.total(shared, CpuCounter.FAULTS));
    assertEquals(0, TestModels.total(shared, CpuCounter.PAGE_ALLOCS), "the file's resident page is mapped");
    assertEquals(6, shared.contention(LockClass.VM_OBJECT).acquires);
  }

  @Test
  void aTokenIsGotHeldAndReleased() {
    assertEquals(List.of(new Op.GetToken(3), new Op.Compute(1_000, Op.Compute.UNDER_TOKEN), new Op.RelToken(3)),
        ops("steps = [{ token = 3, hold = 1us }]", 0, 3));
  }

  @Test
  void aMutexIsLockedHeldAndUnlockedOnTheMutexPageAndASyscallCostsItsEntryAndExit() {
    // No mappings: the mutex page is object 0, the process's vm_map token object 1.
    assertEquals(List.of(new Op.MutexLock(0, 5), new Op.Compute(1_000), new Op.MutexUnlock(0, 5),
        new Op.Syscall("sys_getppid", TestModels.settings("").config().getDuration("cost.syscall").toNanos())),
        ops("steps = [{ mutex = 5, hold = 1us }, { syscall = getppid }]", 1, 4));
  }

  /**
   * sched_yield() with nothing else runnable, hand-checked for one thread alone (cost.syscall 100
   * ns, cost.atomic 20 ns; an access to a scheduler global is a trip to node 0 and back around its
   * 20 ns atomic or hold, 20 ns each way from node 0's die, 150 ns from the other socket's):
   * bsd4 = 100 + 2 x 20 (the reschedule request set and cleared) + 3 accesses (the mask cleared,
   * bsd4_spin, the mask set); dfly = 100 + 2 x 20 (the yield mark, dd->spin) + an access + 20
   * (dd->spin) + 2 x 20 (dd->spin, the mark cleared) + an access; dfly-pcpu-mask = 100 + 5 x 20
   * and no access. Two threads on two CPUs wait for each other's lines in the first two and not in
   * the last.
   */
  @Test
  void schedYieldWritesTheSchedulersGlobalLinesAsEachUschedDid() {
    assertEquals(List.of(new Op.SchedYield(), new Op.SchedYield()), ops("steps = [{ syscall = sched_yield }]", 1, 2));
    String box = "topology { sockets = 2, cores-per-socket = 2 }\nsim.end-time = 100us\nkernel.usched = %s\n"
        + "workload { kind = program, threads = %d, program { steps = [{ op = y, steps = [{ syscall = sched_yield }] "
        + "}], bind = %s } }";
    // usched, accesses per yield, local ns.
    for (String[] c : new String[][] {{"bsd4", "3", "140"}, {"dfly", "2", "200"}, {"dfly-pcpu-mask", "0", "200"}}) {
      long accesses = Long.parseLong(c[1]);
      long local = Long.parseLong(c[2]);
      // CPU 0 shares node 0's die; CPU 2 is on the other socket.
      for (int cpu : new int[] {0, 2}) {
        long trip = cpu == 0 ? 20 : 150;
        RunMetrics one = TestModels.run(ModelFactory.build(TestModels.settings(String.format(box, c[0], 1,
            "[" + cpu + "]"))));
        long ops = TestModels.op(one, "y").count();
        assertEquals(local + accesses * (2 * trip + 20), TestModels.op(one, "y").meanNs(), 1e-9, c[0] + " on " + cpu);
        long acquires = one.contention(LockClass.USCHED).acquires;
        // A yield in flight at the end has made some of its accesses.
        assertTrue(acquires >= ops * accesses && acquires <= ops * accesses + Math.max(0, accesses - 1),
            c[0] + ": " + acquires + " for " + ops);
      }
      RunMetrics two = TestModels.run(ModelFactory.build(TestModels.settings(String.format(box, c[0], 2, "[0, 1]"))));
      assertEquals(accesses > 0, two.contention(LockClass.USCHED).contended > 0, c[0]);
      assertEquals(accesses > 0, TestModels.op(two, "y").meanNs() > local + accesses * 60, c[0]);
    }
  }

  @Test
  void threadsSharingAMutexSleepOnItInUmtx() {
    Settings s = TestModels.settings("topology { sockets = 1, cores-per-socket = 4 }\nsim.end-time = 2ms\n"
        + "workload { kind = program, threads = 4, program { steps = ["
        + "{ op = lock, steps = [{ mutex = 0, hold = 2us }] }, { compute-mean = 1us }] } }");
    RunMetrics m = TestModels.run(ModelFactory.build(s));
    assertTrue(TestModels.op(m, "lock").count() > 200, TestModels.op(m, "lock").count() + " ops");
    assertTrue(TestModels.total(m, CpuCounter.UMTX_SLEEPS) > 0, "contested: the waiters sleep in umtx_sleep()");
    assertTrue(TestModels.total(m, CpuCounter.UMTX_WAKEUPS) > 0);
  }

  /** A program of mutex steps on {@code processes} processes of {@code threads} threads, 2 nodes of 4 CPUs. */
  private static WorkloadPlan mutexPlan(String steps, int processes, int threads) {
    Settings s = TestModels.settings("topology { sockets = 2, cores-per-socket = 4 }\nsim.end-time = 1ms\n"
        + "workload { kind = program, processes = " + processes + ", threads = " + threads
        + ", program.steps = [" + steps + "] }");
    return ProgramWorkload.plan(s, ModelFactory.build(s).topology());
  }

  /** The pages thread {@code tid} locks mutexes on, in its first {@code n} locks. */
  private static List<Integer> lockedPages(WorkloadPlan plan, int tid, int n) {
    ProgramRunner r = (ProgramRunner) plan.programs().create(plan.threads().get(tid));
    SplittableRandom random = new SplittableRandom(7);
    List<Integer> pages = new ArrayList<>();
    while (pages.size() < n) {
      if (r.next(0, random) instanceof Op.MutexLock l) {
        assertEquals(0, l.mutex());
        pages.add(l.object());
      }
    }
    return pages;
  }

  @Test
  void eachProcessHasItsOwnMutexPageAndAPerThreadMutexIsOnTheThreadsOwnPage() {
    // Processes mode, 4 processes of one thread each on CPUs 0-3 (node 0): each locks mutex 0 on
    // its own process's page. Objects: process 0's page (0) and vm_map token (1), then processes
    // 1 to 3's pages (2 to 4).
    WorkloadPlan processes = mutexPlan("{ mutex = 0 }", 4, 1);
    for (int tid = 0; tid < 4; tid++) {
      assertEquals(List.of(tid == 0 ? 0 : tid + 1), lockedPages(processes, tid, 1));
    }
    // Threads mode: one page for the process, shared by all its threads.
    WorkloadPlan threads = mutexPlan("{ mutex = 0 }", 1, 4);
    assertEquals(List.of(0), lockedPages(threads, 3, 1));
    // per = thread: after the process's page and token, a page of each thread's own, on its node.
    WorkloadPlan own = mutexPlan("{ mutex = 0 }, { mutex = 0, per = thread }", 1, 8);
    dfsim.core.topology.Topology topo = ModelFactory.build(TestModels.settings(
        "topology { sockets = 2, cores-per-socket = 4 }")).topology();
    for (int tid = 0; tid < 8; tid++) {
      assertEquals(List.of(0, 2 + tid), lockedPages(own, tid, 2));
      assertEquals(topo.nodeOf(own.cpuOf(tid)), own.homeOf(2 + tid, topo), "thread " + tid + "'s page is local");
    }
    assertEquals(List.of(0, 1), List.of(topo.nodeOf(own.cpuOf(0)), topo.nodeOf(own.cpuOf(4))));
  }

  @Test
  void mutexesOfSeparateProcessesOrThreadsNeverSleep() {
    String program = "{ op = lock, steps = [{ mutex = 0, hold = 2us }] }, { compute-mean = 1us }";
    for (String box : List.of("processes = 4, threads = 1, program.steps = [" + program + "]",
        "threads = 4, program.steps = [" + program.replace("mutex = 0,", "mutex = 0, per = thread,") + "]")) {
      Settings s = TestModels.settings("topology { sockets = 1, cores-per-socket = 4 }\nsim.end-time = 2ms\n"
          + "workload { kind = program, " + box + " }");
      RunMetrics m = TestModels.run(ModelFactory.build(s));
      assertTrue(TestModels.op(m, "lock").count() > 2000, box + ": " + TestModels.op(m, "lock").count() + " ops");
      assertEquals(0, TestModels.total(m, CpuCounter.UMTX_SLEEPS), box + ": nobody else locks the mutex");
    }
  }

  @Test
  void aUmtxStepIsOneCallWithNothingToWaitFor() {
    // No mappings: the process's mutex page is object 0, its vm_map token 1, the threads' own 2 and 3.
    assertEquals(List.of(new Op.UmtxCalls(3, 7, Op.UmtxCalls.Calls.SLEEP), new Op.UmtxCalls(0, 0,
        Op.UmtxCalls.Calls.WAKEUP)), ops("steps = [{ umtx = sleep, word = 7, per = thread }, { umtx = wakeup }]", 1, 2));
    for (String call : List.of("sleep", "wakeup")) {
      Settings s = TestModels.settings("topology { sockets = 1, cores-per-socket = 4 }\nsim.end-time = 300us\n"
          + "workload { kind = program, threads = 4, program.steps = [{ op = futex, steps = [{ umtx = " + call
          + ", per = thread }] }] }");
      RunMetrics m = TestModels.run(ModelFactory.build(s));
      long ops = TestModels.op(m, "futex").count();
      long sleeps = TestModels.total(m, CpuCounter.UMTX_SLEEPS);
      long wakeups = TestModels.total(m, CpuCounter.UMTX_WAKEUPS);
      assertTrue(ops > 1000, call + ": " + ops + " ops");
      // Each op is one call; a call in flight at the end is counted by neither.
      assertTrue(Math.abs((call.equals("sleep") ? sleeps : wakeups) - ops) <= 4, call + ": " + sleeps + " sleeps, "
          + wakeups + " wakeups, " + ops + " ops");
      assertEquals(0, call.equals("sleep") ? wakeups : sleeps, call);
    }
  }

  @Test
  void markersRepeatsAndPassesNest() {
    List<Op> ops = ops("steps = [{ repeat = 2, steps = [{ op = a, steps = [{ compute = 1us }] }] }, { sleep = 5us }]"
        + "\nrepeat = 2", 0, 15);
    List<Op> pass = List.of(new Op.Begin("a"), new Op.Compute(1_000), new Op.End("a"), new Op.Begin("a"),
        new Op.Compute(1_000), new Op.End("a"), new Op.Sleep(5_000));
    List<Op> expected = new ArrayList<>(pass);
    expected.addAll(pass);
    expected.add(new Op.Exit());
    assertEquals(expected, ops);
  }

  @Test
  void aChoiceFollowsItsWeights() {
    List<Op> ops = ops("steps = [{ choice = [{ weight = 3, steps = [{ compute = 1us }] },"
        + " { weight = 1, steps = [{ compute = 2us }] }] }]", 0, 4000);
    long first = ops.stream().filter(o -> o.equals(new Op.Compute(1_000))).count();
    assertEquals(4000, first + ops.stream().filter(o -> o.equals(new Op.Compute(2_000))).count());
    assertTrue(first > 2850 && first < 3150, first + " of 4000 for weight 3 of 4");
  }

  @Test
  void bindPlacesEachThreadOnItsCpu() {
    Settings s = settings("steps = [{ compute = 1us }]\nbind = [3, 1]");
    WorkloadPlan plan = ProgramWorkload.plan(s, ModelFactory.build(s).topology());
    assertEquals(List.of(3, 1), plan.threads().stream().map(t -> t.cpu()).toList());
  }

  /** The fault storm with private objects, written as a program: the same run, op for op. */
  @Test
  void theFaultStormAsAProgramRunsAsTheClassDoes() {
    String box = "topology { sockets = 2, cores-per-socket = 4 }\nsim.end-time = 3ms\nworkload.threads = 8\n";
    Map<String, Object> storm = tree(box + "workload { kind = fault-storm, fault-storm { object = private, "
        + "pages-per-pass = 16, compute = 2us } }");
    Map<String, Object> program = tree(box + "workload { kind = program, program {\n"
        + "mappings = [{ name = mem, kind = anonymous, pages = 16, per = thread }]\n"
        + "steps = [{ repeat = 16, steps = [{ compute-mean = 2us }, { op = fault, steps = [{ touch = mem, pages = 1 }] }] },"
        + " { op = munmap, steps = [{ munmap = mem }] }] } }");
    assertEquals("program", ((Map<?, ?>) program.get("workload")).remove("kind"));
    assertEquals("fault-storm", ((Map<?, ?>) storm.get("workload")).remove("kind"));
    assertTrue(((Number) ((Map<?, ?>) storm.get("totals")).get("faults")).longValue() > 100);
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String section : List.of("cpus", "totals", "contention", "memory", "workload", "series")) {
      assertEquals(json.valueToTree(storm.get(section)), json.valueToTree(program.get(section)), section);
    }
  }

  /**
   * umtx-mutex (syscalls = contested) is built as a program; that program written in HOCON, and
   * the Java loop the workload ran before, give the same metrics, section by section.
   */
  @Test
  void theUmtxMutexLoopAsAProgramRunsAsTheClassDoes() {
    String box = "topology { sockets = 2, cores-per-socket = 4 }\nsim.end-time = 2ms\nworkload.threads = 8\n";
    String kind = box + "workload { kind = umtx-mutex, umtx-mutex { mutexes = 3, hold = 1us, think = 2us } }";
    Map<String, Object> byKind = tree(kind);
    Map<String, Object> program = tree(box + "workload { kind = program, program.steps = ["
        + "{ op = mutex, steps = [{ mutex = any, mutexes = 3, hold-mean = 1us }] }, { compute-mean = 2us }] }");
    Settings s = TestModels.settings(kind);
    Map<String, Object> loop = tree(s, topo -> {
      WorkloadPlan plan = UmtxMutex.plan(s, topo);
      return new WorkloadPlan("umtx-mutex", UmtxMutex.OP, plan.threads(), plan.objects(),
          t -> new UmtxMutex.Loop(3, 1_000, 2_000, 0, false), true);
    });
    assertTrue(((Number) ((Map<?, ?>) byKind.get("totals")).get("umtx_sleeps")).longValue() > 100, "contested");
    ((Map<?, ?>) program.get("workload")).remove("kind");
    ((Map<?, ?>) byKind.get("workload")).remove("kind");
    ((Map<?, ?>) loop.get("workload")).remove("kind");
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String section : List.of("cpus", "totals", "contention", "memory", "workload", "series")) {
      assertEquals(json.valueToTree(loop.get(section)), json.valueToTree(byKind.get(section)), section);
      assertEquals(json.valueToTree(loop.get(section)), json.valueToTree(program.get(section)), section);
    }
  }

  private static final String IMAGE = "images = [{ name = sh, pages { text = 4, data = 2, bss = 1 } }]\n";

  @Test
  void execForkAndTouchSegmentBecomeTheKernelsProcessOps() {
    Settings s = TestModels.settings("topology { sockets = 1, cores-per-socket = 4 }\nsim.end-time = 1ms\n"
        + "workload { kind = program, threads = 1, program {\n" + IMAGE
        + "steps = [{ exec = sh }, { touch-segment = text, page = 3 },"
        + " { fork = [{ exec = sh }, { touch-segment = data, page = 1, write = true }, { compute = 1us }] }] } }");
    WorkloadPlan plan = ProgramWorkload.plan(s, ModelFactory.build(s).topology());
    // The image is the only object: its vnode, 1 + 4 + 2 file pages, in node 0's page cache.
    assertEquals(List.of(new dfsim.core.program.VmObjectSpec(0, 0, 7, true)), plan.objects());
    ProgramRunner r = (ProgramRunner) plan.programs().create(plan.threads().get(0));
    List<Op> ops = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 9; i++) {
      ops.add(r.next(0, random));
    }
    Op.Exec exec = (Op.Exec) ops.get(1);
    assertEquals(0, exec.image().vnodeObject());
    assertEquals(List.of(1, 4, 0, 2, 1, 0, 0), java.util.Arrays.stream(exec.image().pages()).boxed().toList());
    assertEquals(List.of(new Op.Begin("pass"), exec, new Op.MapFault(dfsim.core.program.Segment.TEXT, 3, false),
        new Op.Fork(), exec, new Op.MapFault(dfsim.core.program.Segment.DATA, 1, true), new Op.Compute(1_000),
        new Op.ExitProcess(), new Op.End("pass")), ops);
  }

  /**
   * fork-exec is built as a program of exec, fork and touch-segment steps; that program written
   * in HOCON gives the same metrics as the kind, section by section.
   */
  @Test
  void theForkExecLoopAsAProgramRunsAsTheClassDoes() {
    String box = "topology { sockets = 1, cores-per-socket = 4 }\nsim.end-time = 3ms\nworkload { processes = 4, threads = 1 }\n";
    Map<String, Object> byKind = tree(box + "workload { kind = fork-exec, fork-exec { pages { text = 6, rodata = 2, "
        + "data = 3, bss = 2, heap = 1, stack = 1 }, touch { header = 1, text = 3, rodata = 1, data-write = 1, "
        + "data-read = 1, bss = 1, heap = 1, stack = 1 }, compute = 10us } }");
    // The touches in the kind's order (text in order, the others interleaved), 1 us of user time after each.
    String run = "{ touch-segment = text, page = 0 }, { compute = 1us }, { touch-segment = header, page = 0 }, "
        + "{ compute = 1us }, { touch-segment = text, page = 2 }, { compute = 1us }, "
        + "{ touch-segment = rodata, page = 0 }, { compute = 1us }, { touch-segment = data, page = 0, write = true }, "
        + "{ compute = 1us }, { touch-segment = text, page = 4 }, { compute = 1us }, "
        + "{ touch-segment = data, page = 1 }, { compute = 1us }, { touch-segment = bss, page = 0 }, "
        + "{ compute = 1us }, { touch-segment = heap, page = 0 }, { compute = 1us }, "
        + "{ touch-segment = stack, page = 0 }, { compute = 1us }";
    Map<String, Object> program = tree(box + "workload { kind = program, program {\n"
        + "images = [{ name = busybox, pages { text = 6, rodata = 2, data = 3, bss = 2, heap = 1, stack = 1 } }]\n"
        + "steps = [{ exec = busybox }, " + run + ", { repeat = 0, steps = [{ op = fork-exec, steps = [{ fork = ["
        + "{ exec = busybox }, " + run + "] }] }] }]\nrepeat = 1 } }");
    assertTrue(((Number) ((Map<?, ?>) byKind.get("workload")).get("ops_completed")).longValue() > 20, "cycles ran");
    ((Map<?, ?>) program.get("workload")).remove("kind");
    ((Map<?, ?>) byKind.get("workload")).remove("kind");
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String section : List.of("cpus", "totals", "contention", "memory", "workload", "series")) {
      assertEquals(json.valueToTree(byKind.get(section)), json.valueToTree(program.get(section)), section);
    }
  }

  @Test
  void aProgramWithATokenRunsAndCountsItsOps() {
    Settings s = settings("steps = [{ op = locked, steps = [{ token = 0, hold = 2us }] }, { compute = 1us }]");
    ModelFactory.Built b = ModelFactory.build(s);
    RunMetrics m = TestModels.run(b);
    long ops = TestModels.op(m, "locked").count();
    assertTrue(ops > 300, ops + " ops in 1 ms");
    // Two threads share the token: one waits while the other holds it.
    assertTrue(TestModels.total(m, CpuCounter.TOKEN_CONTENDED) > 0);
    // One acquisition per op, and at most one more per thread for an op the end cut short.
    long acquires = TestModels.total(m, CpuCounter.TOKEN_ACQUIRES);
    assertTrue(acquires >= ops && acquires <= ops + 2, acquires + " acquisitions for " + ops + " ops");
  }

  private static Map<String, Object> tree(String hocon) {
    return tree(ModelFactory.build(TestModels.settings(hocon)));
  }

  private static Map<String, Object> tree(Settings s, java.util.function.Function<dfsim.core.topology.Topology, WorkloadPlan> plan) {
    return tree(ModelFactory.build(s, plan));
  }

  private static Map<String, Object> tree(ModelFactory.Built b) {
    long end = new dfsim.core.sim.SequentialEngine().run(b.model()).simulatedNs();
    RunMetrics m = RunMetrics.collect(b.model().lps(), b.topology().cpus(), end);
    RunInfo info = new RunInfo("t", 1, "sequential", 1, 1, "dev", true, end, b.sim().warmupNs(), 0, 0, 0, 0, 0);
    return MetricsReport.build(info, m, b.topology(), b.plan().kind(), b.plan().opName()).tree();
  }
}
