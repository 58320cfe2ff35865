package dfsim.core.metrics;

/** The {@code run} section: how the run was made. Never part of the digest. */
public record RunInfo(
    String config,
    long seed,
    String engine,
    int nodes,
    int threads,
    String version,
    boolean complete,
    long simulatedNs,
    long warmupNs,
    long events,
    long windows,
    long rounds,
    long joinMs,
    long wallMs) {}
