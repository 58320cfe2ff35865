package dfsim.memory;

import dfsim.core.kernel.VmFaultPage;
import dfsim.core.protocol.CowInvalidate;
import dfsim.core.protocol.StaleMapping;
import dfsim.core.sim.LpContext;
import dfsim.memory.UmtxWords.Cow;
import java.util.ArrayList;
import java.util.List;

/**
 * The copy-on-write fault of the page holding the process's mutex words, after a fork shared it
 * (sys/vm/vm_fault.c, vm_fault_page() on the write): the writer's fault copies the page, so the
 * page gets a new physical address (a new generation), and the other CPUs of the process's
 * pm_active must drop the old translation. How they learn of it is {@link VmFaultPage}'s choice.
 * See docs/model/vm-fault-page.md and docs/model/kern-umtx.md.
 */
final class MutexPageCow {
  private final Node n;
  private final UmtxWords umtx;
  private final VmFaultPage faultPage;
  /** The pm_active of the process whose page holds the words. */
  private final int[] pmActive;

  MutexPageCow(Node n, UmtxWords umtx, VmFaultPage faultPage, int[] pmActive) {
    this.n = n;
    this.umtx = umtx;
    this.faultPage = faultPage;
    this.pmActive = pmActive;
  }

  /** fork(): the page is shared copy-on-write from now on. */
  void fork(int object) {
    umtx.page(object).cowShared = true;
  }

  /**
   * A write by {@code cpu} ({@code foreign}: through procfs/ptrace from another process) to
   * object's page: if the page is shared since a fork, the COW and what it costs the writer.
   */
  Cow write(int object, int cpu, boolean foreign, LpContext ctx) {
    UmtxWords.Page page = umtx.page(object);
    if (!page.cowShared) {
      return Cow.NONE;
    }
    page.cowShared = false;
    umtx.freeze(object);
    page.gen++;
    List<Integer> others = new ArrayList<>();
    for (int c : pmActive) {
      if (c != cpu) {
        others.add(c);
      }
    }
    long ns = faultNs();
    int rounds = 0;
    if (foreign && faultPage.foreignCowStale()) {
      for (int c : others) {
        n.reply(c, ns, new StaleMapping(), ctx);
      }
    } else {
      rounds = faultPage.cowIpiRounds(foreign);
    }
    int ipis = 0;
    long ipiNs = n.topo.latencies().ipiNs();
    for (int r = 0; r < rounds && !others.isEmpty(); r++) {
      for (int c : others) {
        int lp = n.layout.cpuLp(c);
        ctx.send(lp, ns + Math.max(ipiNs, ctx.latencyTo(lp)), new CowInvalidate(cpu, ctx.now() + ns));
      }
      ns += ipiNs + (others.size() - 1) * n.cost.ipiExtraReceiverNs();
      ipis += others.size();
    }
    return new Cow(ns, ipis);
  }

  /** A COW fault on the mutex page: trap, lookup, a page allocation and copy, pmap_enter(). */
  private long faultNs() {
    return n.cost.trapNs() + n.cost.vmPageLookupNs() + n.cost.vmPageAllocNs() + n.cost.pageCopyNs()
        + n.cost.pmapEnterNs();
  }
}
