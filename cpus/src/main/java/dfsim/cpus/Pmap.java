package dfsim.cpus;

import dfsim.core.metrics.CpuCounter;
import dfsim.core.protocol.ZoneAlloc;
import dfsim.core.protocol.ZoneFree;
import dfsim.core.sim.LpContext;

/**
 * The pmaps of the workload's processes as this CPU sees them (sys/platform/pc64/x86_64/pmap.c):
 * each pmap's {@code pm_active} (the CPUs its threads live on; LWKT threads stay put) and its
 * PMAP_MULTI flag (set when a second thread is created, never cleared), and the pv entries that
 * pmap_enter() takes from and pmap_remove() returns to pvzone ({@link PvZoneCache}). pvzone's
 * global list and spinlock live with kernel memory on node 0. See docs/model/pmap.md.
 */
final class Pmap {
  private final Globaldata gd;
  private final PvZoneCache zone;
  private final int[][] pmActive;
  private final boolean[] multi;
  /** Each process's vm_map token. */
  private final int[] mapToken;
  /** Items on this CPU's own pvzone list (zfreecnt_pcpu[cpuid]); empty at boot. */
  private int pvOwn;

  Pmap(Globaldata gd, PvZoneCache zone) {
    this.gd = gd;
    this.zone = zone;
    int processes = gd.plan.processes();
    this.pmActive = gd.plan.pmActiveAll();
    this.multi = new boolean[processes];
    this.mapToken = new int[processes];
    int[] threads = new int[processes];
    for (dfsim.core.program.ThreadSpec t : gd.plan.threads()) {
      threads[t.pid()]++;
    }
    for (int p = 0; p < processes; p++) {
      multi[p] = threads[p] > 1;
      mapToken[p] = gd.plan.mapTokenOfProcess(p, pmActive[p], gd.topo);
    }
  }

  /** Returns process {@code pid}'s pm_active, ascending. */
  int[] pmActive(int pid) {
    return pmActive[pid];
  }

  /** Returns process {@code pid}'s vm_map token (a forked child's faults take its parent's: see KernProc). */
  int mapToken(int pid) {
    return mapToken[pid];
  }

  /**
   * Returns whether process {@code pid} runs on more than one CPU: its per-process lines
   * (pm_active, fd_spin) move between CPUs, where a process on one CPU keeps them there.
   */
  boolean sharedByCpus(int pid) {
    return pmActive[pid].length > 1;
  }

  /** Returns whether process {@code pid}'s pmap is PMAP_MULTI. */
  boolean multi(int pid) {
    return multi[pid];
  }

  /**
   * pmap_enter() after {@code beforeNs} of work: its pv entry from this CPU's own list if the zone
   * lets it (returns the work's total ns), else from the global list under the zone spinlock at
   * node 0 (returns -1; the CPU waits for the zone's reply, then spends {@code pmapEnterNs}).
   */
  long enter(long beforeNs, LpContext ctx) {
    gd.meter.add(CpuCounter.ZONE_ALLOCS, 1, ctx.now());
    if (zone.allocFromOwnList(pvOwn)) {
      pvOwn--;
      return beforeNs + gd.cost.zonePcpuNs() + gd.cost.pmapEnterNs();
    }
    gd.sendNode(0, beforeNs, new ZoneAlloc(gd.cpu), ctx);
    return -1;
  }

  /** zfree() of {@code n} pv entries: returns how many went to this CPU's own list. */
  int pvFreeToOwnList(int n) {
    int own = zone.freeToOwnList(n, pvOwn);
    pvOwn += own;
    return own;
  }

  /**
   * zfree() of the {@code n - own} pv entries beyond this CPU's list to the zone's global list,
   * after {@code afterNs}: returns whether there were any, in which case the CPU waits for the
   * zone's {@code ZoneFreed}.
   */
  boolean pvFreeToZone(int n, int own, long afterNs, LpContext ctx) {
    if (n > own) {
      gd.sendNode(0, afterNs, new ZoneFree(gd.cpu, n - own), ctx);
      return true;
    }
    return false;
  }
}
