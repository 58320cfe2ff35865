package dfsim.cpus;

import dfsim.core.config.PmapSettings;
import dfsim.core.metrics.ContentionStats;
import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.LockClass;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.protocol.TlbAck;
import dfsim.core.protocol.TlbShootdown;
import dfsim.core.sim.LpContext;

/**
 * TLB invalidation (sys/platform/pc64/x86_64/pmap_inval.c at e3c330f0 and its parent):
 * pmap_inval_smp() for the PTEs a munmap removed, the interlock on the pmap's pm_active_lock
 * ({@link InvalInterlock}), the invalidation IPIs to the other CPUs of pm_active and their
 * acknowledgements, and this CPU's own TLB: invlpg per page or a full flush above
 * MAX_INVAL_PAGES, and the stale translation a foreign pmap change may leave it. See
 * docs/model/pmap.md.
 */
final class PmapInval {
  private final Globaldata gd;
  private final Pmap pmap;
  private final InvalInterlock interlock;
  private final ContentionStats interlockStats = new ContentionStats();
  /** An invalidation waiting for its IPIs to be acknowledged: acks missing, targets, pages. */
  private int acksPending;
  private int targets;
  private int pages;
  /** Since when this CPU may use a stale translation (-1: none). */
  private long staleSince = -1;

  PmapInval(Globaldata gd, Pmap pmap, InvalInterlock interlock) {
    this.gd = gd;
    this.pmap = pmap;
    this.interlock = interlock;
  }

  /**
   * pmap_inval_smp() of {@code n} PTEs of process {@code pid}'s pmap after {@code workNs}: when
   * only this CPU has the pmap active, invalidate locally (the interlock as {@link InvalInterlock}
   * says) and return the total ns; otherwise take the interlock, IPI every other CPU in pm_active
   * and return -1: the CPU spins until {@link #onAck} says all have acknowledged.
   */
  long invalidate(int pid, int n, long workNs, LpContext ctx) {
    int[] active = pmap.pmActive(pid);
    long now = ctx.now();
    long work = workNs;
    if (active.length == 1 && active[0] == gd.cpu) {
      if (interlock.localTakesInterlock(pmap.multi(pid))) {
        work += interlock();
      }
      gd.meter.add(CpuCounter.TLB_INVALIDATIONS, 1, now);
      return work + localNs(n);
    }
    work += interlock();
    int sent = 0;
    for (int target : active) {
      if (target != gd.cpu) {
        int lp = gd.layout.cpuLp(target);
        ctx.send(lp, work + Math.max(gd.topo.latencies().ipiNs(), ctx.latencyTo(lp)), new TlbShootdown(gd.cpu, n));
        sent++;
      }
    }
    gd.meter.add(CpuCounter.IPIS_SENT, sent, now);
    acksPending = sent;
    targets = sent;
    pages = n;
    gd.step(work, Globaldata.Step.SHOOTDOWN_SENT, ctx);
    return -1;
  }

  /**
   * An acknowledgement: returns -1 while others are missing, else the ns left after the last one
   * (serial acknowledgements cost each extra receiver a little more, then the local invalidation).
   */
  long onAck(LpContext ctx) {
    if (--acksPending > 0) {
      return -1;
    }
    gd.spin.endIfAny(ctx);
    gd.meter.add(CpuCounter.TLB_INVALIDATIONS, 1, ctx.now());
    return Math.max(0, targets - 1) * gd.cost.ipiExtraReceiverNs() + localNs(pages);
  }

  /** A target of an invalidation IPI: invalidate, then clear its bit in the originator's done mask. */
  void onShootdown(TlbShootdown d, LpContext ctx) {
    flushed(ctx.now());
    gd.meter.add(CpuCounter.IPIS_RECEIVED, 1, ctx.now());
    gd.meter.add(CpuCounter.TLB_INVALIDATIONS, 1, ctx.now());
    gd.send(gd.layout.cpuLp(d.origin()), localNs(d.pages()), new TlbAck(gd.cpu), ctx);
  }

  /** Another CPU's COW replaced a PTE of a pmap this CPU has active, with an IPI. */
  void onCowInvalidate(long now) {
    gd.meter.add(CpuCounter.IPIS_RECEIVED, 1, now);
    gd.meter.add(CpuCounter.TLB_INVALIDATIONS, 1, now);
    flushed(now);
  }

  /** Another CPU replaced a PTE of a pmap this CPU has active without telling it. */
  void onStale(long now) {
    if (staleSince < 0) {
      staleSince = now;
    }
  }

  /** Returns since when this CPU may use a stale translation, or -1. */
  long staleSince() {
    return staleSince;
  }

  /** This CPU's TLB was invalidated (or the run ended): a stale translation is gone. */
  void flushed(long now) {
    if (staleSince >= 0) {
      gd.meter.add(CpuCounter.STALE_MAPPING_NS, now - staleSince, now);
      staleSince = -1;
    }
  }

  /** The interlock of pmap_inval_init()/pmap_inval_done() on the pmap's pm_active_lock: its ns. */
  long interlock() {
    interlockStats.acquires++;
    interlockStats.holdNs += gd.cost.pmapInterlockNs();
    return gd.cost.pmapInterlockNs();
  }

  /** invlpg per page, or one full flush above MAX_INVAL_PAGES. */
  long localNs(int n) {
    return n > PmapSettings.MAX_INVAL_PAGES ? gd.cost.tlbFlushNs() : n * gd.cost.invlpgNs();
  }

  void finish(long endTime, RunMetrics metrics) {
    flushed(endTime);
    metrics.contention(LockClass.PMAP_INTERLOCK).add(interlockStats);
  }
}
