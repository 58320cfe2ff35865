package dfsim.cpus;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.CpuMeter;
import dfsim.core.metrics.CpuState;
import dfsim.core.metrics.Latency;
import dfsim.core.metrics.LockClass;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimMessage;

/**
 * The CPU spinning for something another LP holds: a lock or token (the spin loops of
 * sys/kern/kern_spinlock.c and lwkt_token.c) or the acknowledgements of invalidation IPIs. The
 * spin lasts from the first failed try (or the IPIs' send) to the reply that ends it, or for a
 * length the lock's home told in advance. Every nanosecond is attributed to the lock class
 * waited for.
 */
final class SpinWait {
  /** The end of a spin whose length the lock's home told in advance. */
  record SpinDone(long gen) implements SimMessage {}

  private final CpuMeter meter;
  /** Lock wait per lock class, by ordinal. */
  private final long[] waitByClass = new long[LockClass.values().length];
  private boolean spinning;
  private long since;
  private long gen;
  private LockClass lockClass;

  SpinWait(CpuMeter meter) {
    this.meter = meter;
  }

  /** Starts spinning on {@code c}, for {@code waitNs} if known (>= 0), else until a reply ends it. */
  void start(LockClass c, long waitNs, LpContext ctx) {
    if (spinning) {
      return;
    }
    meter.spinOn(c.json());
    meter.enter(CpuState.SPIN, ctx.now());
    spinning = true;
    since = ctx.now();
    lockClass = c;
    gen++;
    if (waitNs >= 0) {
      ctx.schedule(waitNs, new SpinDone(gen));
    }
  }

  /** A spin of known length ran out, unless a reply ended it first. */
  void onSpinDone(SpinDone s, long now) {
    if (spinning && s.gen() == gen) {
      end(now);
    }
  }

  /** A reply ends the spin that was waiting for it, if any. */
  void endIfAny(LpContext ctx) {
    if (spinning) {
      end(ctx.now());
    }
  }

  private void end(long now) {
    long waited = now - since;
    spinning = false;
    meter.enter(CpuState.BUSY, now);
    meter.add(CpuCounter.LOCK_WAIT_NS, waited, now);
    meter.record(Latency.LOCK_WAIT, waited);
    if (lockClass == LockClass.TOKEN) {
      meter.record(Latency.TOKEN_WAIT, waited);
    }
    waitByClass[lockClass.ordinal()] += waited;
  }

  /** Adds the wait per lock class to the run's contention table. */
  void finish(RunMetrics metrics) {
    for (LockClass c : LockClass.values()) {
      metrics.contention(c).waitNs += waitByClass[c.ordinal()];
    }
  }
}
