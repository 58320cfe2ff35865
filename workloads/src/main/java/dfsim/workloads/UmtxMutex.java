package dfsim.workloads;

import dfsim.core.config.Settings;
import dfsim.core.program.Op;
import dfsim.core.program.Program;
import dfsim.core.program.VmObjectSpec;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.topology.Topology;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code umtx-mutex}: the {@code workload.threads} threads of one process contend on
 * {@code mutexes} pthread mutexes (libthread_xu's umtx words, on one page of the process's heap):
 * each picks one at random, locks it, holds it for an exponential time, unlocks it, and computes
 * for an exponential time. Op = one lock + unlock ("mutex"); each umtx_sleep()/umtx_wakeup() call
 * is timed too (ops "umtx_sleep", "umtx_wakeup": kernel time, time asleep excluded).
 *
 * <p>{@code cow-fork}: the same, while thread 0 forks the process every {@code fork-interval}
 * (the child exits at once): the mutex page turns copy-on-write under the sleepers; with
 * {@code ptrace-interval}, a debugger process (one more thread, on the next CPU) stores into the
 * mutex page through procfs/ptrace that often.
 *
 * <p>With {@code syscalls = contested} and no fork or debugger, umtx-mutex is exactly a program
 * ({@code mutex = any} with an exponential hold, then an exponential think) and is built as one.
 * The other forms stay here: {@code syscalls = always} adds both umtx calls on the word just
 * unlocked inside the op, thread 0's fork goes by the simulated time it finds at each round, and
 * the debugger is a second process poking the first one's page; programs have none of these.
 */
public final class UmtxMutex {
  public static final String OP = "mutex";

  private UmtxMutex() {}

  public static WorkloadPlan plan(Settings s, Topology topo) {
    return plan(s, topo, "umtx-mutex", 0);
  }

  /** {@code cow-fork}: umtx-mutex with thread 0 forking every {@code workload.cow-fork.fork-interval}. */
  public static WorkloadPlan cowFork(Settings s, Topology topo) {
    return plan(s, topo, "cow-fork", s.durationNs("workload.cow-fork.fork-interval", 1000, 1_000_000_000_000L),
        s.durationNs("workload.cow-fork.ptrace-interval", 0, 1_000_000_000_000L));
  }

  private static WorkloadPlan plan(Settings s, Topology topo, String kind, long forkEveryNs) {
    return plan(s, topo, kind, forkEveryNs, 0);
  }

  private static WorkloadPlan plan(Settings s, Topology topo, String kind, long forkEveryNs, long ptraceEveryNs) {
    String k = "workload." + kind + ".";
    Placement place = Placement.from(s, topo);
    if (place.processes() != 1) {
      throw Settings.bad("workload.processes", String.valueOf(place.processes()),
          "1 (" + kind + " runs the threads of one process)");
    }
    int mutexes = s.intIn(k + "mutexes", 1, 1024);
    long holdNs = s.durationNs(k + "hold", 0, 1_000_000_000L);
    long thinkNs = s.durationNs(k + "think", 0, 1_000_000_000L);
    boolean always = s.choice(k + "syscalls", Syscalls.class) == Syscalls.ALWAYS;
    if (!always && forkEveryNs == 0 && ptraceEveryNs == 0) {
      // Exactly a program: { op = mutex, steps = [{ mutex = any, mutexes, hold-mean }] },
      // { compute-mean = think }, the mutex page and the map token being a program's too.
      ProgramWorkload.Spec spec = new ProgramWorkload.Spec(List.of(), List.of(
          new ProgramWorkload.Marker(OP, List.of(new ProgramWorkload.Mutex(ProgramWorkload.Mutex.ANY, mutexes, holdNs,
              true, false))),
          new ProgramWorkload.Compute(thinkNs, true)), 0, OP);
      return ProgramWorkload.build(kind, spec, place, place.cpuOfEach(), topo, 0, m -> k + "mutexes");
    }
    int home = topo.nodeOf(place.cpuOf(0));
    // Object 0: the heap page holding the mutex words; object 1: the process's vm_map token.
    List<VmObjectSpec> objects = List.of(new VmObjectSpec(0, home, 1, VmObjectSpec.Kind.ANON),
        new VmObjectSpec(1, home, 0, VmObjectSpec.Kind.MAP));
    List<dfsim.core.program.ThreadSpec> threads = new java.util.ArrayList<>(place.threads());
    int debugger = threads.size();
    if (ptraceEveryNs > 0) {
      // The debugger is another process, on a CPU outside the traced process's pm_active.
      java.util.Set<Integer> used = new java.util.HashSet<>();
      threads.forEach(t -> used.add(t.cpu()));
      int cpu = -1;
      for (int c = 0; c < topo.cpus() && cpu < 0; c++) {
        if (!used.contains(c)) {
          cpu = c;
        }
      }
      if (cpu < 0) {
        throw new dfsim.core.config.BadInputException("workload." + kind + ".ptrace-interval: the debugger needs a CPU "
            + "free of the process's " + threads.size() + " threads (lower workload.threads or set workload.cpus)");
      }
      threads.add(new dfsim.core.program.ThreadSpec(debugger, 1, place.priority(), cpu));
    }
    return new WorkloadPlan(kind, OP, threads, objects,
        spec -> spec.tid() == debugger ? new Debugger(ptraceEveryNs)
            : new Loop(mutexes, holdNs, thinkNs, spec.tid() == 0 ? forkEveryNs : 0, always), true);
  }

  /** A debugger: every interval, a store into the process's mutex page through ptrace. */
  static final class Debugger implements Program {
    private final long everyNs;
    private boolean store;

    Debugger(long everyNs) {
      this.everyNs = everyNs;
    }

    @Override
    public Op next(long now, SplittableRandom random) {
      store = !store;
      return store ? new Op.Compute(everyNs) : new Op.PtraceWrite(0);
    }
  }

  /**
   * {@code syscalls}: contested = umtx calls only when a mutex is contested (libthread_xu);
   * always = each op also calls umtx_sleep() with a stale value (it returns EBUSY at once) and
   * umtx_wakeup() after unlocking, so that every thread count, one included, times the calls.
   */
  public enum Syscalls { CONTESTED, ALWAYS }

  static final class Loop implements Program {
    private final int mutexes;
    private final long holdNs;
    private final long thinkNs;
    private final long forkEveryNs;
    private long nextForkAt;
    private int step;
    private int mutex;

    private final boolean always;

    Loop(int mutexes, long holdNs, long thinkNs, long forkEveryNs, boolean always) {
      this.always = always;
      this.forkEveryNs = forkEveryNs;
      this.nextForkAt = forkEveryNs;
      this.mutexes = mutexes;
      this.holdNs = holdNs;
      this.thinkNs = thinkNs;
    }

    @Override
    public Op next(long now, SplittableRandom random) {
      if (step == 0 && forkEveryNs > 0 && now >= nextForkAt) {
        // The fork takes this round's place: then the thinking, as after an op.
        nextForkAt += forkEveryNs;
        step = 6;
        return new Op.ForkThreaded(0);
      }
      switch (step++) {
        case 0:
          return new Op.Begin(OP);
        case 1:
          // Drawn as the lock is asked for, as a program's mutex = any is: threads sharing a CPU
          // share its random stream, so when the draw happens matters.
          mutex = random.nextInt(mutexes);
          return new Op.MutexLock(0, mutex);
        case 2:
          return new Op.Compute(Exponential.draw(holdNs, random));
        case 3:
          return new Op.MutexUnlock(0, mutex);
        case 4:
          if (always) {
            return new Op.UmtxCalls(0, mutex, Op.UmtxCalls.Calls.SLEEP_THEN_WAKEUP);
          }
          step = 6;
          return new Op.End(OP);
        case 5:
          return new Op.End(OP);
        default:
          step = 0;
          return new Op.Compute(Exponential.draw(thinkNs, random));
      }
    }
  }
}
