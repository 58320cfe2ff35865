package dfsim.core.metrics;

import dfsim.core.sim.LogicalProcess;
import java.util.List;

/**
 * Every CPU's state times and counters as of a moment of a running simulation, for a live view:
 * the same quantities as metrics.json's {@code cpus} (whole run so far, other LPs' additions
 * included), read without closing any interval. Filled by {@link LogicalProcess#observe} on the
 * engine's thread at a point where no LP is running, then handed to readers and never changed.
 */
public final class LiveCpus {
  private final long simulatedNs;
  private final long events;
  private final long[][] stateNs;
  private final long[][] counters;

  public LiveCpus(int cpus, long simulatedNs, long events) {
    this.simulatedNs = simulatedNs;
    this.events = events;
    this.stateNs = new long[cpus][CpuState.values().length];
    this.counters = new long[cpus][CpuCounter.values().length];
  }

  /** Asks every LP of {@code lps} for its part at {@code nowNs}. */
  public static LiveCpus observe(List<? extends LogicalProcess> lps, int cpus, long nowNs, long events) {
    LiveCpus live = new LiveCpus(cpus, nowNs, events);
    for (LogicalProcess lp : lps) {
      lp.observe(nowNs, live);
    }
    return live;
  }

  /** Adds a CPU's meter as of {@code nowNs}. */
  public void addMeter(CpuMeter m, long nowNs) {
    for (CpuState s : CpuState.values()) {
      stateNs[m.cpu()][s.ordinal()] += m.liveStateNs(s, nowNs);
    }
    for (CpuCounter c : CpuCounter.values()) {
      counters[m.cpu()][c.ordinal()] += m.counter(c);
    }
  }

  /** Adds {@code n} to a CPU's counter, as {@link RunMetrics#addToCpu} does at the end. */
  public void addToCpu(int cpu, CpuCounter c, long n) {
    counters[cpu][c.ordinal()] += n;
  }

  public int cpus() {
    return stateNs.length;
  }

  /** Returns the simulated time every LP had reached. */
  public long simulatedNs() {
    return simulatedNs;
  }

  public long events() {
    return events;
  }

  public long stateNs(int cpu, CpuState s) {
    return stateNs[cpu][s.ordinal()];
  }

  public long counter(int cpu, CpuCounter c) {
    return counters[cpu][c.ordinal()];
  }
}
