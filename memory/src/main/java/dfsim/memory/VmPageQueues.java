package dfsim.memory;

import dfsim.core.config.VmPageSettings;
import dfsim.core.metrics.ContentionStats;
import dfsim.core.metrics.LockClass;
import dfsim.core.protocol.PageActivate;
import dfsim.core.protocol.PageActivated;
import dfsim.core.protocol.PageAlloc;
import dfsim.core.protocol.PageAllocated;
import dfsim.core.protocol.PageFree;
import dfsim.core.sim.LpContext;

/**
 * One node's page queues (sys/vm/vm_page.c): its free pages in PQ_L2_SIZE colour queues
 * ({@link ColourQueues}), each behind its own spinlock; vm_page_alloc()'s search of the queues
 * from the colour asked for ({@link PageQueueScan}), vm_page_free() and vm_page_activate(). See
 * docs/model/vm-page-alloc.md.
 */
final class VmPageQueues {
  private final Node n;
  private final int mask;
  private final ColourQueues free;
  /** The spinlock of each colour queue, created on first use. */
  private final QueueLock[] locks;
  private final PageQueueScan scan;
  final ContentionStats stats = new ContentionStats();

  VmPageQueues(Node n, VmPageSettings vm, double drained) {
    this.n = n;
    this.mask = vm.pqL2Size() - 1;
    long pages = n.topo.pagesPerNode();
    if ((n.node + 1L) * pages > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("physical page numbers exceed 2^31");
    }
    this.free = new ColourQueues((int) (n.node * pages), (int) pages, vm.pqL2Size());
    free.drain((int) (pages * drained));
    this.locks = new QueueLock[vm.pqL2Size()];
    this.scan = new PageQueueScan(vm.pqL2Size(),
        PageQueueScan.firstBlockMask(vm.pqL2Size(), n.topo.cpus(), vm.rescan()), vm.rescan(), vm.lastq());
  }

  /** A file's pages, read at boot: each from its colour's queue or the nearest with pages. */
  void readIntoPageCache(VmObject o, int objectColour) {
    for (int p = 0; p < o.size(); p++) {
      int q = scan.find((objectColour + p) & mask, free::hasPage);
      if (q < 0) {
        throw new IllegalStateException("node " + n.node + " has no free page left for file object " + o.id);
      }
      o.insert(p, free.pop(q));
    }
  }

  /**
   * vm_page_alloc(): search the colour queues from the requested colour, each probe an unlocked
   * look at a queue head, then take the found queue's spinlock and a page. The requester spins if
   * the lock is held.
   */
  void onAlloc(PageAlloc a, LpContext ctx) {
    int q = scan.find(a.colour(), free::hasPage);
    int steps = scan.steps();
    long scanNs = steps * n.cost.vmPageScanStepNs();
    if (q < 0) {
      n.reply(a.cpu(), scanNs, new PageAllocated(-1, steps), ctx);
      return;
    }
    lock(q).acquireAndReply(n, a.cpu(), scanNs, n.cost.vmPageAllocNs(), new PageAllocated(free.pop(q), steps), ctx);
  }

  /** vm_page_activate() of a page of the colour: a list move under its queue's spinlock. */
  void onActivate(PageActivate a, LpContext ctx) {
    lock(a.colour() & mask).acquireAndReply(n, a.cpu(), 0, n.cost.vmPageAllocNs(), new PageActivated(), ctx);
  }

  /** vm_page_free() of each page into its colour queue, under that queue's spinlock. */
  void onFree(PageFree f, LpContext ctx) {
    for (int pfn : f.pfns()) {
      lock(free.colourOf(pfn)).acquire(f.cpu(), ctx.now(), n.cost.vmPageFreeNs());
      free.push(pfn);
    }
  }

  /** Returns the free pages left on this node. */
  int free() {
    return free.free();
  }

  private QueueLock lock(int colour) {
    if (locks[colour] == null) {
      locks[colour] = new QueueLock(n, LockClass.PAGE_QUEUE, stats);
    }
    return locks[colour];
  }
}
