package dfsim.core.metrics;

/**
 * One lock class's contention: acquisitions, how many found it held, the nanoseconds spent
 * waiting for it, how many times its cache line moved between CPUs, and how long it was held.
 * Parts are recorded where they are known (acquires at the lock's home, waits at the waiter)
 * and summed at the end.
 */
public final class ContentionStats {
  public long acquires;
  public long contended;
  public long waitNs;
  public long transfers;
  public long holdNs;

  /** Adds {@code o} into this. */
  public void add(ContentionStats o) {
    acquires += o.acquires;
    contended += o.contended;
    waitNs += o.waitNs;
    transfers += o.transfers;
    holdNs += o.holdNs;
  }
}
