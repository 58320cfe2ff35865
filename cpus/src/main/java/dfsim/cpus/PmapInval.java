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
 * pmap_remove() of a user pmap's PTEs and their TLB invalidation (sys/platform/pc64/x86_64/pmap.c,
 * pmap_inval.c at e3c330f0 and its parent): pmap_inval_bulk() runs pmap_inval_smp() for each PTE,
 * with the interlock on the pmap's pm_active_lock ({@link InvalInterlock}), IPIs to the other CPUs
 * of pm_active and a spin for their acknowledgements; and this CPU's own TLB: invlpg per page or a
 * full flush above MAX_INVAL_PAGES, and the stale translation a foreign pmap change may leave it.
 * See docs/model/pmap.md.
 */
final class PmapInval {
  private final Globaldata gd;
  private final Pmap pmap;
  private final InvalInterlock interlock;
  private final ContentionStats interlockStats = new ContentionStats();
  /** A pmap_remove() in progress on a pmap other CPUs have active: PTEs left, acks missing, targets. */
  private int pid;
  private int ptesLeft;
  private int acksPending;
  private int targets;
  /** Since when this CPU may use a stale translation (-1: none). */
  private long staleSince = -1;

  PmapInval(Globaldata gd, Pmap pmap, InvalInterlock interlock) {
    this.gd = gd;
    this.pmap = pmap;
    this.interlock = interlock;
  }

  /**
   * pmap_remove() of {@code n} PTEs of process {@code pid}'s pmap after {@code beforeNs}: for a
   * user pmap, pmap_inval_bulk() invalidates each PTE as it is removed, synchronously, with its
   * own pmap_inval_smp(). When only this CPU has the pmap active each is local: invlpg, and the
   * interlock if {@link InvalInterlock} says so; returns the total ns. Otherwise each PTE is a
   * round: the interlock, an IPI to every other CPU in pm_active, a spin until all have
   * acknowledged; returns -1, and {@link #onAck} says when the last round is done.
   */
  long pmapRemove(int pid, int n, long beforeNs, LpContext ctx) {
    int[] active = pmap.pmActive(pid);
    if (active.length == 1 && active[0] == gd.cpu) {
      boolean takesInterlock = interlock.localTakesInterlock(pmap.multi(pid));
      long work = beforeNs;
      for (int i = 0; i < n; i++) {
        work += gd.cost.pmapRemoveNs() + (takesInterlock ? interlock() : 0) + gd.cost.invlpgNs();
      }
      gd.meter.add(CpuCounter.TLB_INVALIDATIONS, n, ctx.now());
      return work;
    }
    if (n == 0) {
      return beforeNs;
    }
    this.pid = pid;
    ptesLeft = n;
    round(beforeNs + gd.cost.pmapRemoveNs(), ctx);
    return -1;
  }

  /** One PTE's pmap_inval_smp() on other CPUs: the interlock, then the IPIs, after {@code afterNs}. */
  private void round(long afterNs, LpContext ctx) {
    ptesLeft--;
    long work = afterNs + interlock();
    int sent = 0;
    for (int target : pmap.pmActive(pid)) {
      if (target != gd.cpu) {
        int lp = gd.layout.cpuLp(target);
        ctx.send(lp, work + Math.max(gd.topo.latencies().ipiNs(), ctx.latencyTo(lp)), new TlbShootdown(gd.cpu, 1, ctx.now() + work));
        sent++;
      }
    }
    gd.meter.add(CpuCounter.IPIS_SENT, sent, ctx.now());
    acksPending = sent;
    targets = sent;
    gd.step(work, Globaldata.Step.SHOOTDOWN_SENT, ctx);
  }

  /**
   * An acknowledgement: returns -1 while others are missing or PTEs remain (the next round has
   * started), else the ns left after the last one (serial acknowledgements cost each extra
   * receiver a little more, then the local invlpg).
   */
  long onAck(LpContext ctx) {
    if (--acksPending > 0) {
      return -1;
    }
    gd.spin.endIfAny(ctx);
    gd.meter.add(CpuCounter.TLB_INVALIDATIONS, 1, ctx.now());
    long tail = Math.max(0, targets - 1) * gd.cost.ipiExtraReceiverNs() + localNs(1);
    if (ptesLeft > 0) {
      round(tail + gd.cost.pmapRemoveNs(), ctx);
      return -1;
    }
    return tail;
  }

  /** A target of an invalidation IPI: invalidate, then clear its bit in the originator's done mask. */
  void onShootdown(TlbShootdown d, LpContext ctx) {
    gd.meter.flow(TlbShootdown.FLOW, d.origin(), d.sentNs(), ctx.now());
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
