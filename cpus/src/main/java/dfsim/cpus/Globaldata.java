package dfsim.cpus;

import dfsim.core.config.Costs;
import dfsim.core.config.SimSettings;
import dfsim.core.metrics.CpuMeter;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimMessage;
import dfsim.core.topology.LpLayout;
import dfsim.core.topology.Topology;

/**
 * What every kernel path of one CPU shares ({@code struct globaldata}, sys/sys/globaldata.h):
 * its id, the thread it runs ({@code gd_curthread}), the step of CPU work in progress, the meter
 * its time and events go to, its spin, and the way back to the thread's program. Everything else
 * lives with the subsystem that owns it.
 */
final class Globaldata {
  /** What ends a step of CPU work: the subsystem that {@link CpuLp} hands the end to. */
  enum Step { SWITCH, COMPUTE, FAULT_DONE, UNMAP_DONE, SHOOTDOWN_SENT, ALLOC_DONE, KSTEP }

  /** The end of a step of CPU work started in generation {@code gen} (stale after a switch). */
  record StepDone(long gen, Step step) implements SimMessage {}

  /** How a kernel path hands the CPU back to the thread (userret() and the op interpreter). */
  interface UserReturn {
    /** The operation ended (a yield point): switch if a resched is pending, else go on. */
    void opBoundary(LpContext ctx);

    /** The thread goes on with its program (after a switch to it, or a token it got). */
    void resume(LpContext ctx);

    /** The running thread's kernel steps are all done. */
    void stepsDone(SimThread t, LpContext ctx);
  }

  final int cpu;
  final Topology topo;
  final LpLayout layout;
  final Costs cost;
  final SimSettings sim;
  final WorkloadPlan plan;
  final CpuMeter meter;
  final SpinWait spin;
  /** The thread on the CPU, or null for the idle thread. */
  SimThread curthread;
  /** Bumped on every switch and preemption, so that the old thread's pending steps go stale. */
  long gen;
  /** When the pending step of this generation completes, or Long.MAX_VALUE. */
  long stepAt = Long.MAX_VALUE;
  UserReturn userret;

  Globaldata(int cpu, LpLayout layout, Costs cost, SimSettings sim, WorkloadPlan plan) {
    this.cpu = cpu;
    this.layout = layout;
    this.topo = layout.topology();
    this.cost = cost;
    this.sim = sim;
    this.plan = plan;
    this.meter = new CpuMeter(cpu, sim.endTimeNs(), sim.sampleIntervalNs(), sim.warmupNs());
    if (sim.profile()) {
      meter.keepProfile();
      if (sim.trace()) {
        // The box's slice budget shared out evenly: each CPU's timeline is cut on its own.
        meter.keepTimeline(sim.traceFromNs(), sim.traceToNs(),
            Math.max(1, SimSettings.MAX_TRACE_SLICES / layout.topology().cpus()));
      }
    }
    this.spin = new SpinWait(meter);
  }

  /** Schedules the end of a step of CPU work in the current generation. */
  void step(long ns, Step step, LpContext ctx) {
    stepAt = ctx.now() + ns;
    ctx.schedule(ns, new StepDone(gen, step));
  }

  /** Makes the pending step stale (a switch or preemption). */
  void newGeneration() {
    gen++;
    stepAt = Long.MAX_VALUE;
  }

  /** Sends {@code m} to LP {@code lp}, leaving after {@code afterNs} of work here. */
  void send(int lp, long afterNs, SimMessage m, LpContext ctx) {
    ctx.send(lp, afterNs + ctx.latencyTo(lp), m);
  }

  /** Sends {@code m} to the memory LP homing VM object {@code objectId}, after {@code afterNs}. */
  void sendHome(int objectId, long afterNs, SimMessage m, LpContext ctx) {
    send(layout.memoryLp(plan.homeOf(objectId, topo)), afterNs, m, ctx);
  }

  /** Sends {@code m} to node {@code node}'s memory LP, after {@code afterNs}. */
  void sendNode(int node, long afterNs, SimMessage m, LpContext ctx) {
    send(layout.memoryLp(node), afterNs, m, ctx);
  }
}
