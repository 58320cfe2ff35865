package dfsim.core.topology;

import dfsim.core.config.BadInputException;
import dfsim.core.config.Settings;

/**
 * Latencies under {@code latency.}: cache-line transfers by distance, IPI delivery and DRAM
 * access. Cache-line transfer latencies also bound messages between LPs, so none may be below
 * the lookahead.
 */
public record Latencies(
    long smtNs,
    long sameDieNs,
    long crossDieNs,
    long crossSocketNs,
    long ipiNs,
    long dramLocalNs,
    long dramRemoteNs) {

  /** Reads and checks {@code latency.*} against {@code lookaheadNs}. */
  public static Latencies from(Settings s, long lookaheadNs) {
    long max = 1_000_000_000L;
    Latencies l = new Latencies(
        link(s, "latency.smt", lookaheadNs),
        link(s, "latency.same-die", lookaheadNs),
        link(s, "latency.cross-die", lookaheadNs),
        link(s, "latency.cross-socket", lookaheadNs),
        link(s, "latency.ipi", lookaheadNs),
        s.durationNs("latency.dram-local", 0, max),
        s.durationNs("latency.dram-remote", 0, max));
    if (l.dramRemoteNs < l.dramLocalNs) {
      throw new BadInputException("latency.dram-remote = " + l.dramRemoteNs
          + "ns: must be >= latency.dram-local (" + l.dramLocalNs + "ns)");
    }
    return l;
  }

  /** Reads a latency that bounds messages: it may not be below the lookahead. */
  private static long link(Settings s, String path, long lookaheadNs) {
    long v = s.durationNs(path, 0, 1_000_000_000L);
    if (v < lookaheadNs) {
      throw new BadInputException(path + " = " + s.string(path) + ": must be >= sim.lookahead ("
          + lookaheadNs + "ns), since messages between LPs take at least the link latency");
    }
    return v;
  }

  /** Returns the cost of moving a cache line over {@code d}; 0 when it stays put. */
  public long transfer(Distance d) {
    return switch (d) {
      case SAME -> 0;
      case SMT -> smtNs;
      case SAME_DIE -> sameDieNs;
      case CROSS_DIE -> crossDieNs;
      case CROSS_SOCKET -> crossSocketNs;
    };
  }
}
