package dfsim.core.metrics;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Everything measured on one CPU, accumulated from the events that change it: the CPU enters a
 * state and leaves it, and each interval is added to that state's total and spread over the
 * series samples it covers. Nothing is derived as a remainder, so busy + idle + spin equals the
 * simulated time only if the model accounts every nanosecond. A snapshot at the warm-up boundary
 * gives the measured window that rates use.
 */
public final class CpuMeter {
  /** The per-sample counters of metrics.json's {@code series}, besides busy/spin/idle time. */
  public static final String[] SERIES_COUNTERS = {"faults", "ipis", "context_switches", "token_waits"};

  private final int cpu;
  private final long intervalNs;
  private final long warmupNs;
  private CpuState state = CpuState.IDLE;
  private long since;
  private final long[] stateNs = new long[CpuState.values().length];
  private final long[] counters = new long[CpuCounter.values().length];
  private final long[][] stateSeries;
  private final long[][] counterSeries;
  private final Histogram[] latency = new Histogram[Latency.values().length];
  private final Map<String, OpStats> ops = new TreeMap<>();
  private String lastOp;
  private OpStats lastOpStats;
  private long[] stateAtWarmup;
  private long[] countersAtWarmup;
  /** The kernel profile kept as the CPU runs (null: none), or the folded stacks a saved meter carried. */
  private KernelProfile profile;
  private Map<String, Long> folded;
  private KernelProfile.Timeline timeline;

  /**
   * A meter as plain data, so that a CPU measured on another JVM of a cluster reaches the report
   * unchanged (histograms in HdrHistogram's exact compressed encoding).
   */
  public record Saved(int cpu, long intervalNs, long warmupNs, CpuState state, long since,
      long[] stateNs, long[] counters, long[][] stateSeries, long[][] counterSeries, byte[][] latency,
      Map<String, OpStats.Saved> ops, long[] stateAtWarmup, long[] countersAtWarmup, Map<String, Long> profile,
      KernelProfile.Timeline timeline) {}

  public CpuMeter(int cpu, long endNs, long intervalNs, long warmupNs) {
    this.cpu = cpu;
    this.intervalNs = intervalNs;
    this.warmupNs = warmupNs;
    int samples = (int) ((endNs + intervalNs - 1) / intervalNs);
    stateSeries = new long[CpuState.values().length][samples];
    counterSeries = new long[SERIES_COUNTERS.length][samples];
    for (int i = 0; i < latency.length; i++) {
      latency[i] = Histograms.create();
    }
    if (warmupNs == 0) {
      snapshot();
    }
  }

  private CpuMeter(Saved s) {
    this.cpu = s.cpu();
    this.intervalNs = s.intervalNs();
    this.warmupNs = s.warmupNs();
    this.state = s.state();
    this.since = s.since();
    System.arraycopy(s.stateNs(), 0, stateNs, 0, stateNs.length);
    System.arraycopy(s.counters(), 0, counters, 0, counters.length);
    this.stateSeries = s.stateSeries();
    this.counterSeries = s.counterSeries();
    for (int i = 0; i < latency.length; i++) {
      latency[i] = Histograms.decode(s.latency()[i]);
    }
    s.ops().forEach((name, o) -> ops.put(name, OpStats.restore(o)));
    this.stateAtWarmup = s.stateAtWarmup();
    this.countersAtWarmup = s.countersAtWarmup();
    this.folded = s.profile();
    this.timeline = s.timeline();
  }

  /** Returns this meter as plain data. */
  public Saved save() {
    byte[][] lat = new byte[latency.length][];
    for (int i = 0; i < lat.length; i++) {
      lat[i] = Histograms.encode(latency[i]);
    }
    Map<String, OpStats.Saved> savedOps = new TreeMap<>();
    ops.forEach((name, o) -> savedOps.put(name, o.save()));
    return new Saved(cpu, intervalNs, warmupNs, state, since, stateNs.clone(), counters.clone(),
        stateSeries, counterSeries, lat, savedOps, stateAtWarmup, countersAtWarmup, profileFolded(), timeline());
  }

  /** Returns the meter {@link #save} gave. */
  public static CpuMeter restore(Saved s) {
    return new CpuMeter(s);
  }

  public int cpu() {
    return cpu;
  }

  /** Returns the series sample interval in ns. */
  public long intervalNs() {
    return intervalNs;
  }

  /** Returns the state the CPU is in. */
  public CpuState state() {
    return state;
  }

  /** Moves the CPU into {@code next} at {@code now}, closing the current interval. */
  public void enter(CpuState next, long now) {
    if (next == state) {
      return;
    }
    if (profile != null) {
      profile.account(state, now);
    }
    close(now);
    state = next;
  }

  /** Keeps a kernel profile from now on (before the run starts). */
  public void keepProfile() {
    profile = new KernelProfile();
  }

  /** Keeps a timeline of {@code [fromNs, toNs)} too, of at most {@code limit} slices. */
  public void keepTimeline(long fromNs, long toNs, int limit) {
    profile.trace(fromNs, toNs, limit);
  }

  /** An IPI sent by CPU {@code from} at {@code sentNs} arrived here at {@code now}: an arrow on the timeline. */
  public void flow(String name, int from, long sentNs, long now) {
    if (profile != null) {
      profile.flow(name, from, sentNs, now);
    }
  }

  /** The timeline kept (or carried), or null. */
  public KernelProfile.Timeline timeline() {
    return profile != null ? profile.timeline() : timeline;
  }

  /** The profile's folded stacks and their nanoseconds, or null without one. */
  public Map<String, Long> profileFolded() {
    return profile != null ? profile.folded() : folded;
  }

  /** Moves the CPU to kernel-profile frame {@code frame} at {@code now} (nothing without a profile). */
  public void frame(int frame, long now) {
    if (profile != null && frame != profile.current()) {
      profile.moveTo(frame, state, now);
    }
  }

  /** Thread {@code tid} (-1: none) runs on the CPU from {@code now}, for the timeline. */
  public void thread(int tid, long now) {
    if (profile != null) {
      profile.thread(tid, state, now);
    }
  }

  /** Enters function {@code name} from the current frame at {@code now}. */
  public void push(String name, long now) {
    if (profile != null) {
      profile.moveTo(profile.child(profile.current(), name), state, now);
    }
  }

  /** Returns from the current frame to its caller at {@code now}. */
  public void pop(long now) {
    if (profile != null) {
      profile.moveTo(profile.parent(profile.current()), state, now);
    }
  }

  /** Frame {@code name} called from {@code parent} (KernelProfile.ROOT without a profile). */
  public int child(int parent, String name) {
    return profile != null ? profile.child(parent, name) : KernelProfile.ROOT;
  }

  /** The current kernel-profile frame (KernelProfile.ROOT without a profile). */
  public int frame() {
    return profile != null ? profile.current() : KernelProfile.ROOT;
  }

  /** Names the next spin's leaf in the profile. */
  public void spinOn(String what) {
    if (profile != null) {
      profile.spinOn(what);
    }
  }

  /** Adds {@code n} to a counter at {@code now}. */
  public void add(CpuCounter c, long n, long now) {
    crossWarmup(now);
    counters[c.ordinal()] += n;
    int s = seriesIndex(c);
    if (s >= 0) {
      counterSeries[s][sample(now)] += n;
    }
  }

  /** Records one latency sample. */
  public void record(Latency l, long ns) {
    latency[l.ordinal()] = Histograms.record(latency[l.ordinal()], ns);
  }

  /** Records a completed workload operation; only those completing after warm-up count. */
  public void opCompleted(String name, long latencyNs, long now) {
    if (now >= warmupNs) {
      // A workload names its operations with constants, nearly always one per CPU: compare
      // references before looking the name up.
      if (name != lastOp) {
        lastOpStats = ops.computeIfAbsent(name, k -> new OpStats());
        lastOp = name;
      }
      lastOpStats.record(latencyNs);
    }
  }

  /** Closes the last interval at the end of the run. */
  public void finish(long endNs) {
    if (profile != null) {
      profile.account(state, endNs);
    }
    close(endNs);
  }

  public long stateNs(CpuState s) {
    return stateNs[s.ordinal()];
  }

  public long counter(CpuCounter c) {
    return counters[c.ordinal()];
  }

  /**
   * Returns a state's time up to {@code now} without closing the open interval, for a live view:
   * at the end of the run it equals {@link #stateNs} after {@link #finish}. An LP ahead of
   * {@code now} (a parallel engine's window) counts up to its own clock.
   */
  public long liveStateNs(CpuState s, long now) {
    long open = state == s ? Math.max(0, now - since) : 0;
    return stateNs[s.ordinal()] + open;
  }

  /** Returns the value of a state's time inside the measured window (after warm-up). */
  public long measuredStateNs(CpuState s) {
    return stateNs[s.ordinal()] - (stateAtWarmup == null ? stateNs[s.ordinal()] : stateAtWarmup[s.ordinal()]);
  }

  /** Returns the value of a counter inside the measured window (after warm-up). */
  public long measuredCounter(CpuCounter c) {
    return counters[c.ordinal()] - (countersAtWarmup == null ? counters[c.ordinal()] : countersAtWarmup[c.ordinal()]);
  }

  public Histogram latency(Latency l) {
    return latency[l.ordinal()];
  }

  public Map<String, OpStats> ops() {
    return ops;
  }

  public long[] stateSeries(CpuState s) {
    return stateSeries[s.ordinal()];
  }

  public long[] counterSeries(int index) {
    return counterSeries[index];
  }

  private void close(long now) {
    crossWarmup(now);
    accrue(now);
  }

  private void crossWarmup(long now) {
    if (stateAtWarmup == null && now >= warmupNs) {
      accrue(warmupNs);
      snapshot();
    }
  }

  private void snapshot() {
    stateAtWarmup = stateNs.clone();
    countersAtWarmup = counters.clone();
  }

  private void accrue(long now) {
    if (now <= since) {
      return;
    }
    long[] series = stateSeries[state.ordinal()];
    stateNs[state.ordinal()] += now - since;
    long t = since;
    while (t < now) {
      int i = sample(t);
      long bucketEnd = Math.min(now, (i + 1L) * intervalNs);
      series[i] += bucketEnd - t;
      t = bucketEnd;
    }
    since = now;
  }

  private int sample(long t) {
    return (int) Math.min(t / intervalNs, stateSeries[0].length - 1);
  }

  private static int seriesIndex(CpuCounter c) {
    return switch (c) {
      case FAULTS -> 0;
      case IPIS_SENT, IPIS_RECEIVED -> 1;
      case CONTEXT_SWITCHES -> 2;
      case TOKEN_CONTENDED -> 3;
      default -> -1;
    };
  }
}
