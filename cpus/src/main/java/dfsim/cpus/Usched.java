package dfsim.cpus;

import dfsim.core.config.Costs;
import dfsim.core.config.UschedSettings;
import dfsim.core.sim.LpContext;
import java.util.List;

/**
 * sched_yield() of a thread alone on its CPU (sys/kern/kern_p1003_1b.c sys_sched_yield(),
 * ksched_yield(); the process's userland scheduler's yield, then its release and acquire of the
 * CPU at the return to user mode, sys/kern/usched_bsd4.c and usched_dfly.c). Nothing else is
 * runnable, so the thread gives up its CPU's user slot and takes it straight back: no switch, no
 * IPI. What that writes is the era's ({@link UschedYield}). See docs/model/usched.md.
 */
public final class Usched {
  private final Globaldata gd;
  private final KStepRunner steps;
  private final List<KStep> path;
  /** Whether a yield takes simulated time: with every cost at 0 and no trip to node 0 it does not. */
  private final boolean takesTime;

  Usched(Globaldata gd, KStepRunner steps, UschedYield yield) {
    this.gd = gd;
    this.steps = steps;
    this.path = yield.path();
    this.takesTime = takesTime(gd.cost, path);
  }

  /**
   * Whether sched_yield() takes simulated time under {@code usched} and {@code cost}: a program
   * that repeats nothing else would never advance without it.
   */
  public static boolean takesTime(UschedSettings usched, Costs cost) {
    return takesTime(cost, UschedYield.of(usched, cost).path());
  }

  private static boolean takesTime(Costs cost, List<KStep> path) {
    // A trip to node 0 always takes time; the CPU's own steps only at a cost above 0.
    return cost.syscallNs() > 0
        || path.stream().anyMatch(k -> k instanceof KStep.Global || k instanceof KStep.Call c && c.ns() > 0);
  }

  /** Whether sched_yield() takes simulated time (a program of nothing else would never advance). */
  boolean takesTime() {
    return takesTime;
  }

  /** sched_yield(): the system call's entry and exit, then the scheduler's release and acquire. */
  void yield(SimThread t, LpContext ctx) {
    steps.syscall(t, ctx).addAll(path);
    steps.next(ctx);
  }
}
