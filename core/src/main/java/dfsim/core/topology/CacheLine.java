package dfsim.core.topology;

/**
 * A cache line that CPUs write with atomic operations (a token's owner word, a ref_count, a
 * mutex word, a spinlock): one atomic at a time, each after the line has moved from the CPU
 * that wrote it last. The line starts in memory, so the first atomic moves nothing.
 */
public final class CacheLine {
  private final Topology topo;
  private int owner = -1;
  private long freeAt;
  private long lastTransferNs;

  public CacheLine(Topology topo) {
    this.topo = topo;
  }

  /**
   * Takes the line for {@code cpu}, asking at {@code now}: it waits for earlier atomics, then
   * moves. Returns when it has arrived; {@link #lastTransferNs()} tells how long the move took.
   */
  public long take(int cpu, long now) {
    long start = Math.max(now, freeAt);
    lastTransferNs = transferNs(cpu);
    owner = cpu;
    freeAt = start + lastTransferNs;
    return freeAt;
  }

  /** Keeps the line from the next atomic until {@code t} (a critical section under a spinlock). */
  public void busyUntil(long t) {
    freeAt = t;
  }

  /** Returns the move of the last {@link #take}, 0 when it was already there or in memory. */
  public long lastTransferNs() {
    return lastTransferNs;
  }

  /** Returns the transfer {@code cpu} would pay to take the line now (0 from memory). */
  public long transferNs(int cpu) {
    return owner >= 0 ? topo.transferNs(owner, cpu) : 0;
  }

  /** Returns the CPU that wrote the line last, or -1. */
  public int owner() {
    return owner;
  }
}
