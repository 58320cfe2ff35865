package dfsim.scheduler;

import dfsim.core.metrics.RunMetrics;
import dfsim.core.program.ThreadSpec;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.protocol.IpiWakeup;
import dfsim.core.protocol.ThreadStart;
import dfsim.core.protocol.WakeupRequest;
import dfsim.core.sim.LogicalProcess;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimMessage;
import dfsim.core.topology.Latencies;
import dfsim.core.topology.LpLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A socket's LWKT scheduler: at time 0 it starts the workload's threads placed on its socket's
 * CPUs (lwkt_create() + lwkt_schedule() on the target CPU), and it turns wakeups of threads on
 * other CPUs into IPIs. Every thread of the box is started at
 * the same instant, the largest link latency, so that no CPU gets a head start from its distance
 * to the scheduler. See docs/model/lwkt-thread.md.
 */
public final class LwktSchedulerLp implements LogicalProcess {
  private final int socket;
  private final LpLayout layout;
  private final List<ThreadSpec> threads = new ArrayList<>();
  private final WorkloadPlan plan;

  public LwktSchedulerLp(int socket, LpLayout layout, WorkloadPlan plan) {
    this.socket = socket;
    this.layout = layout;
    this.plan = plan;
    for (ThreadSpec t : plan.threads()) {
      if (layout.topology().socketOf(t.cpu()) == socket) {
        threads.add(t);
      }
    }
  }

  @Override
  public int id() {
    return layout.schedulerLp(socket);
  }

  @Override
  public void start(LpContext ctx) {
    long startAt = startTimeNs(layout.topology().latencies());
    for (ThreadSpec t : threads) {
      ctx.send(layout.cpuLp(t.cpu()), startAt, new ThreadStart(t));
    }
  }

  /** Returns when every thread starts: the largest cache-line latency, at least any link's. */
  public static long startTimeNs(Latencies l) {
    return Math.max(Math.max(l.smtNs(), l.sameDieNs()), Math.max(l.crossDieNs(), l.crossSocketNs()));
  }

  /**
   * A cross-CPU wakeup: the thread lives on its own CPU (td_gd), so the wakeup becomes an IPI
   * there (lwkt_send_ipiq3() to lwkt_schedule_remote()), delivered after latency.ipi.
   */
  @Override
  public void handle(SimMessage message, int sourceLp, LpContext ctx) {
    if (message instanceof WakeupRequest w) {
      int lp = layout.cpuLp(plan.cpuOf(w.tid()));
      ctx.send(lp, Math.max(layout.topology().latencies().ipiNs(), ctx.latencyTo(lp)), new IpiWakeup(w.tid(), w.fromCpu(), w.sentNs()));
    } else {
      throw new IllegalStateException("scheduler of socket " + socket + " cannot handle " + message);
    }
  }

  @Override
  public void finish(long endTime, RunMetrics metrics) {}
}
