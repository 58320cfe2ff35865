package dfsim.workloads;

import dfsim.core.program.Op;
import dfsim.core.program.Program;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One thread running a {@link ProgramWorkload.Spec}: the steps expanded one at a time into the
 * operations the CPUs interpret, each random draw made when its step comes, from the stream of
 * the thread's CPU (threads sharing a CPU share it, so when a draw happens matters). The thread keeps which pages of each mapping it has mapped since its last munmap: a
 * touch of one of them costs nothing (a TLB hit), of any other a fault. (Pages another thread of
 * the process mapped are not known here, so they fault again, finding the page resident.)
 */
final class ProgramRunner implements Program {
  /** Steps expanded without an operation before the runner hands the CPU a zero-time one. */
  private static final int MAX_SILENT_STEPS = 10_000;

  private final ProgramWorkload.Spec spec;
  /** Whether each pass is the op (the steps mark none), decided once. */
  private final boolean passIsTheOp;
  /** The VM object of each mapping, for this thread, and the first page of its slice of it. */
  private final int[] objects;
  /** The file behind each private-file mapping's shadow (-1: none). */
  private final int[] vnodes;
  private final int[] bases;
  private final BitSet[] mapped;
  private final int[] cursor;
  /** Per mapping, whether a step mmaps it: its munmap untouched since then has no object to remove. */
  private final boolean[] mmapped;
  private final Deque<Op> pending = new ArrayDeque<>();
  private final Deque<Frame> frames = new ArrayDeque<>();
  private int passes;
  private boolean exited;

  /** A list of steps being run: where in it, how many more times, and the op ending it. */
  private static final class Frame {
    final List<ProgramWorkload.Step> steps;
    int next;
    int timesLeft;
    final Op onEnd;

    Frame(List<ProgramWorkload.Step> steps, int times, Op onEnd) {
      this.steps = steps;
      this.timesLeft = times;
      this.onEnd = onEnd;
    }
  }

  /** The process's and the thread's own mutex pages (-1: none), and one system call's cost. */
  private final int processMutexPage;
  private final int threadMutexPage;
  /** The VM object above the process's break (brk steps), or -1. */
  private final int brkObject;
  /** The id of this task's (or its partner's task's) first pipe; its pipes follow. */
  private final int pipeBase;
  private final long syscallNs;
  /** The binaries exec steps map, by image index. */
  private final dfsim.core.program.BinaryImage[] images;

  ProgramRunner(ProgramWorkload.Spec spec, int[] objects, int[] vnodes, int[] bases, int processMutexPage,
      int threadMutexPage, int brkObject, int pipeBase, dfsim.core.program.BinaryImage[] images, long syscallNs) {
    this.brkObject = brkObject;
    this.pipeBase = pipeBase;
    this.vnodes = vnodes.clone();
    this.images = images.clone();
    this.spec = spec;
    this.bases = bases.clone();
    this.passIsTheOp = spec.passIsTheOp();
    this.processMutexPage = processMutexPage;
    this.threadMutexPage = threadMutexPage;
    this.syscallNs = syscallNs;
    this.objects = objects.clone();
    this.mapped = new BitSet[objects.length];
    this.cursor = new int[objects.length];
    this.mmapped = new boolean[objects.length];
    for (int m = 0; m < objects.length; m++) {
      mapped[m] = new BitSet(spec.mappings().get(m).pages());
      mmapped[m] = spec.mmaps(m);
    }
  }

  @Override
  public Op next(long now, SplittableRandom random) {
    for (int silent = 0; pending.isEmpty(); silent++) {
      if (silent == MAX_SILENT_STEPS) {
        // Only touches of mapped pages, round and round: let the CPU's zero-time guard judge.
        return new Op.Compute(0);
      }
      advance(random);
    }
    return pending.poll();
  }

  /** Expands the next step into {@link #pending} (possibly nothing). */
  private void advance(SplittableRandom random) {
    if (exited) {
      pending.add(new Op.Exit());
      return;
    }
    if (frames.isEmpty()) {
      if (spec.repeat() > 0 && passes == spec.repeat()) {
        exited = true;
        pending.add(new Op.Exit());
        return;
      }
      passes++;
      if (passIsTheOp) {
        pending.add(new Op.Begin(ProgramWorkload.PASS));
        frames.push(new Frame(spec.steps(), 1, new Op.End(ProgramWorkload.PASS)));
        return;
      }
      frames.push(new Frame(spec.steps(), 1, null));
    }
    Frame f = frames.peek();
    if (f.next == f.steps.size()) {
      // A repeat of 0 runs until the end of the run.
      if (f.timesLeft == 0 || --f.timesLeft > 0) {
        f.next = 0;
      } else {
        frames.pop();
        if (f.onEnd != null) {
          pending.add(f.onEnd);
        }
      }
      return;
    }
    expand(f.steps.get(f.next++), random);
  }

  private void expand(ProgramWorkload.Step step, SplittableRandom random) {
    if (step instanceof ProgramWorkload.Compute c) {
      pending.add(new Op.Compute(c.exponential() ? Exponential.draw(c.ns(), random) : c.ns()));
    } else if (step instanceof ProgramWorkload.Touch t) {
      touch(t, random);
    } else if (step instanceof ProgramWorkload.Mmap m) {
      pending.add(new Op.Mmap(objects[m.mapping()], vnodes[m.mapping()]));
    } else if (step instanceof ProgramWorkload.Munmap m) {
      int pages = spec.mappings().get(m.mapping()).pages();
      if (!mapped[m.mapping()].isEmpty()) {
        pending.add(new Op.Unmap(objects[m.mapping()], bases[m.mapping()], pages));
      } else if (mmapped[m.mapping()]) {
        // Untouched since its mmap: the entry has no object yet.
        pending.add(new Op.UnmapEmpty(objects[m.mapping()], vnodes[m.mapping()], pages));
      }
      mapped[m.mapping()].clear();
      cursor[m.mapping()] = 0;
    } else if (step instanceof ProgramWorkload.Madvise a) {
      madvise(a);
    } else if (step instanceof ProgramWorkload.Token t) {
      pending.add(new Op.GetToken(t.token()));
      if (t.holdNs() > 0) {
        pending.add(new Op.Compute(t.holdNs(), Op.Compute.UNDER_TOKEN));
      }
      pending.add(new Op.RelToken(t.token()));
    } else if (step instanceof ProgramWorkload.Mutex x) {
      int page = x.perThread() ? threadMutexPage : processMutexPage;
      int mutex = x.mutex() == ProgramWorkload.Mutex.ANY ? random.nextInt(x.mutexes()) : x.mutex();
      pending.add(new Op.MutexLock(page, mutex));
      if (x.holdExponential()) {
        pending.add(new Op.Compute(Exponential.draw(x.holdNs(), random)));
      } else if (x.holdNs() > 0) {
        pending.add(new Op.Compute(x.holdNs()));
      }
      pending.add(new Op.MutexUnlock(page, mutex));
    } else if (step instanceof ProgramWorkload.Umtx u) {
      pending.add(new Op.UmtxCalls(u.perThread() ? threadMutexPage : processMutexPage, u.word(),
          u.sleep() ? Op.UmtxCalls.Calls.SLEEP : Op.UmtxCalls.Calls.WAKEUP));
    } else if (step instanceof ProgramWorkload.Exec e) {
      pending.add(new Op.Exec(images[e.image()]));
    } else if (step instanceof ProgramWorkload.Fork f) {
      // The child runs the body on this CPU, the parent waiting in wait4(), then exits.
      pending.add(new Op.Fork());
      frames.push(new Frame(f.body(), 1, new Op.ExitProcess()));
    } else if (step instanceof ProgramWorkload.TouchSegment t) {
      pending.add(new Op.MapFault(t.segment(), t.page(), t.write()));
    } else if (step instanceof ProgramWorkload.Syscall c) {
      pending.add(new Op.Syscall(c.name(), syscallNs));
    } else if (step instanceof ProgramWorkload.PipeWrite w) {
      pending.add(new Op.PipeWrite(pipeBase + w.pipe()));
    } else if (step instanceof ProgramWorkload.PipeRead r) {
      pending.add(new Op.PipeRead(pipeBase + r.pipe()));
    } else if (step instanceof ProgramWorkload.Brk b) {
      pending.add(new Op.Brk(brkObject, b.pages()));
    } else if (step instanceof ProgramWorkload.SchedYield) {
      pending.add(new Op.SchedYield());
    } else if (step instanceof ProgramWorkload.Sleep z) {
      pending.add(new Op.Sleep(z.ns()));
    } else if (step instanceof ProgramWorkload.Marker m) {
      pending.add(new Op.Begin(m.name()));
      frames.push(new Frame(m.body(), 1, new Op.End(m.name())));
    } else if (step instanceof ProgramWorkload.Repeat r) {
      frames.push(new Frame(r.body(), r.times(), null));
    } else if (step instanceof ProgramWorkload.Choice c) {
      frames.push(new Frame(c.branches().get(pick(c.weights(), random)), 1, null));
    }
  }

  /** Faults on each touched page this thread has not mapped since its last munmap. */
  private void touch(ProgramWorkload.Touch t, SplittableRandom random) {
    int size = spec.mappings().get(t.mapping()).pages();
    int n = t.pages() < 0 ? size : t.pages();
    BitSet done = mapped[t.mapping()];
    for (int k = 0; k < n; k++) {
      int page;
      if (t.random()) {
        page = random.nextInt(size);
      } else {
        page = cursor[t.mapping()];
        cursor[t.mapping()] = (page + 1) % size;
      }
      if (!done.get(page)) {
        done.set(page);
        int pindex = bases[t.mapping()] + page;
        pending.add(vnodes[t.mapping()] >= 0 ? new Op.CowFault(objects[t.mapping()], pindex, vnodes[t.mapping()])
            : new Op.Fault(objects[t.mapping()], pindex, t.write()));
      }
    }
  }

  /**
   * madvise(MADV_DONTNEED) of the pages just behind the mapping's cursor (or all of it): resident
   * are a file's pages (all of them, from boot) and the pages this thread mapped since its munmap.
   */
  private void madvise(ProgramWorkload.Madvise a) {
    int m = a.mapping();
    ProgramWorkload.Mapping map = spec.mappings().get(m);
    int size = map.pages();
    int n = a.pages() < 0 ? size : a.pages();
    int from = a.pages() < 0 ? 0 : Math.floorMod(cursor[m] - n, size);
    boolean file = map.kind() == ProgramWorkload.MapKind.FILE;
    List<Integer> resident = new java.util.ArrayList<>();
    for (int k = 0; k < n; k++) {
      int page = (from + k) % size;
      if (file || mapped[m].get(page)) {
        resident.add(bases[m] + page);
      }
    }
    pending.add(new Op.Madvise(objects[m], n, resident));
  }

  private static int pick(double[] weights, SplittableRandom random) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double x = random.nextDouble() * total;
    for (int b = 0; b < weights.length - 1; b++) {
      x -= weights[b];
      if (x < 0) {
        return b;
      }
    }
    return weights.length - 1;
  }
}
