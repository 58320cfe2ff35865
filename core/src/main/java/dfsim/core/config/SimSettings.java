package dfsim.core.config;

/**
 * {@code sim.*}, {@code kernel.hz} and {@code metrics.*}: how long to run, what to discard as
 * warm-up, the seed, the global lookahead, the scheduler tick, the series sampling and whether
 * CPUs keep a kernel profile ({@code profile.folded}).
 */
public record SimSettings(
    long endTimeNs,
    long warmupNs,
    long seed,
    long lookaheadNs,
    int hz,
    long sampleIntervalNs,
    boolean profile,
    long traceFromNs,
    long traceToNs) {

  /** The most slices trace.json holds, over all CPUs; a window that would need more is cut. */
  public static final int MAX_TRACE_SLICES = 500_000;

  /** The most samples trace.json's counter tracks (free pages per node) hold, over all nodes. */
  public static final int MAX_TRACE_COUNTER_SAMPLES = 100_000;

  /** Whether CPUs record a timeline ({@code metrics.trace}). */
  public boolean trace() {
    return traceToNs > traceFromNs;
  }

  /** At most this many samples per CPU series (docs/reference.md, Outputs). */
  public static final int MAX_SAMPLES = 2000;

  /** Reads and checks the settings. */
  public static SimSettings from(Settings s) {
    long end = s.durationNs("sim.end-time", 100, 3_600_000_000_000L);
    long warmup = warmupNs(s, end);
    if (warmup >= end) {
      throw new BadInputException("sim.warmup = " + s.string("sim.warmup")
          + ": must be shorter than sim.end-time (" + s.string("sim.end-time") + ")");
    }
    long seed = s.longIn("sim.seed", Long.MIN_VALUE, Long.MAX_VALUE);
    long lookahead = s.durationNs("sim.lookahead", 1, 1_000_000);
    int hz = s.intIn("kernel.hz", 1, 10_000);
    long interval = s.durationNs("metrics.sample-interval", 0, end);
    if (interval == 0) {
      interval = Math.max(1, end / 200);
    } else if ((end + interval - 1) / interval > MAX_SAMPLES) {
      throw new BadInputException("metrics.sample-interval = " + s.string("metrics.sample-interval")
          + ": must give at most " + MAX_SAMPLES + " samples, i.e. be >= " + ((end + MAX_SAMPLES - 1) / MAX_SAMPLES) + "ns");
    }
    boolean profile = s.on("metrics.profile");
    long[] trace = traceWindow(s, end);
    if (trace[1] > trace[0] && !profile) {
      throw new BadInputException("metrics.trace = " + s.string("metrics.trace")
          + ": the timeline is drawn from the kernel profile; set metrics.profile = on");
    }
    return new SimSettings(end, warmup, seed, lookahead, hz, interval, profile, trace[0], trace[1]);
  }

  /** {@code metrics.trace}: "" (none) or FROM..TO, two durations with FROM < TO <= sim.end-time. */
  private static long[] traceWindow(Settings s, long endNs) {
    String v = s.string("metrics.trace").trim();
    if (v.isEmpty()) {
      return new long[] {0, 0};
    }
    String allowed = "FROM..TO, two durations with FROM < TO <= sim.end-time (" + s.string("sim.end-time")
        + "), e.g. 1ms..1200us";
    int dots = v.indexOf("..");
    if (dots < 0) {
      throw Settings.bad("metrics.trace", v, allowed);
    }
    long from;
    long to;
    try {
      from = durationNs(v.substring(0, dots));
      to = durationNs(v.substring(dots + 2));
    } catch (com.typesafe.config.ConfigException e) {
      throw Settings.bad("metrics.trace", v, allowed);
    }
    if (from < 0 || from >= to || to > endNs) {
      throw Settings.bad("metrics.trace", v, allowed);
    }
    return new long[] {from, to};
  }

  /** A duration as HOCON spells it ("1200us"), in ns. */
  private static long durationNs(String text) {
    return com.typesafe.config.ConfigFactory.parseString("d = \"" + text.trim() + "\"").getDuration("d").toNanos();
  }

  /**
   * Reads {@code sim.warmup}: a duration, or a percentage of the end time ("10%"), which stays
   * valid when a test or sweep shortens {@code sim.end-time}.
   */
  private static long warmupNs(Settings s, long endNs) {
    if (s.has("sim.warmup") && s.config().getValue("sim.warmup").valueType()
        == com.typesafe.config.ConfigValueType.STRING && s.string("sim.warmup").trim().endsWith("%")) {
      String v = s.string("sim.warmup").trim();
      double pct;
      try {
        pct = Double.parseDouble(v.substring(0, v.length() - 1).trim());
      } catch (NumberFormatException e) {
        throw Settings.bad("sim.warmup", v, "a duration (e.g. 2ms) or a percentage of sim.end-time in [0, 100)");
      }
      if (!(pct >= 0 && pct < 100)) {
        throw Settings.bad("sim.warmup", v, "a duration (e.g. 2ms) or a percentage of sim.end-time in [0, 100)");
      }
      return (long) Math.floor(endNs * pct / 100.0);
    }
    return s.durationNs("sim.warmup", 0, Long.MAX_VALUE);
  }

  /** Returns the scheduler tick in ns (1 s / hz). */
  public long tickNs() {
    return 1_000_000_000L / hz;
  }
}
