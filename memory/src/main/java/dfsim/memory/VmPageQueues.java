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
 * The page queues a node's memory LP keeps (sys/vm/vm_page.c): free pages in PQ_L2_SIZE colour
 * queues ({@link ColourQueues}), each behind its own spinlock; vm_page_alloc()'s search of the
 * queues from the colour asked for ({@link QueueSearch}), vm_page_free() and vm_page_activate().
 * With NUMA (2017 on) each node keeps its own pages; before, node 0 keeps one global set for
 * every node's pages. See docs/model/vm-page-alloc.md.
 */
final class VmPageQueues {
  private final Node n;
  private final int mask;
  /** The free pages, or null on a node whose pages are in node 0's global queues. */
  private final ColourQueues free;
  /** The spinlock of each colour queue, created on first use. */
  private final QueueLock[] locks;
  private final QueueSearch scan;
  /** Before NUMA: files read at boot take this node's reserved pages, the next one and the end. */
  private final boolean fromReserve;
  private int reserveNext;
  private int reserveEnd;
  final ContentionStats stats = new ContentionStats();

  /** A node's own queues (kernel.vm-page.numa = on, c7f9edd8). */
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
    this.fromReserve = false;
  }

  /**
   * Before NUMA (kernel.vm-page.numa = off): one global set of colour queues holding every
   * node's pages, on node 0; every other node keeps only its pages reserved at boot. Each node's
   * reserve is the start of its range: the share {@code plan.drainOf()} takes and the pages of
   * the files homed on it, read into the page cache at boot.
   */
  VmPageQueues(Node n, VmPageSettings vm, dfsim.core.program.WorkloadPlan plan) {
    this.n = n;
    this.mask = vm.pqL2Size() - 1;
    int pages = (int) n.topo.pagesPerNode();
    int nodes = n.topo.nodes();
    if ((long) nodes * pages > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("physical page numbers exceed 2^31");
    }
    int[] reserved = new int[nodes];
    for (int k = 0; k < nodes; k++) {
      reserved[k] = (int) (pages * plan.drainOf(k));
    }
    this.reserveNext = n.node * pages + reserved[n.node];
    for (dfsim.core.program.VmObjectSpec o : plan.objects()) {
      if (o.file()) {
        reserved[o.homeNode()] += Math.max(1, o.pages());
      }
    }
    this.reserveEnd = n.node * pages + reserved[n.node];
    boolean twisted = vm.pageColor() == VmPageSettings.PageColor.CPU_LOCAL;
    this.free = n.node != 0 ? null
        : new ColourQueues(0, nodes * pages, vm.pqL2Size(), twisted, pfn -> pfn % pages >= reserved[pfn / pages]);
    this.locks = new QueueLock[vm.pqL2Size()];
    this.scan = new PageListFind2011(vm.pqL2Size());
    this.fromReserve = true;
  }

  /** A file's pages, read at boot: each from its colour's queue or the nearest with pages. */
  void readIntoPageCache(VmObject o, int objectColour) {
    if (fromReserve) {
      // Before NUMA: from this node's pages reserved at boot.
      for (int p = 0; p < o.size(); p++) {
        if (reserveNext >= reserveEnd) {
          throw new IllegalStateException("node " + n.node + " reserved too few pages for file object " + o.id);
        }
        o.insert(p, reserveNext++);
      }
      return;
    }
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

  /** Returns the free pages left in this node's queues (0 on a node without any). */
  int free() {
    return free == null ? 0 : free.free();
  }

  private QueueLock lock(int colour) {
    if (locks[colour] == null) {
      locks[colour] = new QueueLock(n, LockClass.PAGE_QUEUE, stats);
    }
    return locks[colour];
  }
}
