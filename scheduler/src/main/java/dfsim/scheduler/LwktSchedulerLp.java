package dfsim.scheduler;

import dfsim.core.metrics.RunMetrics;
import dfsim.core.program.ThreadSpec;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.protocol.ThreadStart;
import dfsim.core.sim.LogicalProcess;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimMessage;
import dfsim.core.topology.Latencies;
import dfsim.core.topology.LpLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A socket's LWKT scheduler: at time 0 it starts the workload's threads placed on its socket's
 * CPUs (lwkt_create() + lwkt_schedule() on the target CPU). Every thread of the box is started at
 * the same instant, the largest link latency, so that no CPU gets a head start from its distance
 * to the scheduler.
 */
public final class LwktSchedulerLp implements LogicalProcess {
  private final int socket;
  private final LpLayout layout;
  private final List<ThreadSpec> threads = new ArrayList<>();

  public LwktSchedulerLp(int socket, LpLayout layout, WorkloadPlan plan) {
    this.socket = socket;
    this.layout = layout;
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

  @Override
  public void handle(SimMessage message, int sourceLp, LpContext ctx) {
    throw new IllegalStateException("scheduler of socket " + socket + " cannot handle " + message);
  }

  @Override
  public void finish(long endTime, RunMetrics metrics) {}
}
