package dfsim.cpus;

import dfsim.core.config.VmPageSettings;
import dfsim.core.metrics.CpuCounter;
import dfsim.core.protocol.PageAlloc;
import dfsim.core.protocol.PageAllocated;
import dfsim.core.protocol.PageFree;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimulationFailure;

/**
 * The CPU side of vm_page_alloc() and vm_page_free() (sys/vm/vm_page.c): the colour asked for
 * ({@link PageColouring}), the nodes asked in turn until one has a page, and the frees sent to
 * each page's node. The search of a node's colour queues happens at that node. See
 * docs/model/vm-page-alloc.md.
 */
final class VmPageAlloc {
  private final Globaldata gd;
  private final VmPageSettings vm;
  private final PageColouring colouring;
  /** The colour and the node order of the allocation in progress. */
  private int colour;
  private int[] order;

  VmPageAlloc(Globaldata gd, VmPageSettings vm, PageColouring colouring) {
    this.gd = gd;
    this.vm = vm;
    this.colouring = colouring;
  }

  /** vm_page_alloc() for page {@code pindex} of {@code objectId} (-1: none), after {@code afterNs}. */
  void alloc(int objectId, int pindex, long afterNs, LpContext ctx) {
    gd.meter.push("vm_page_alloc", ctx.now());
    gd.curthread.allocTry = 0;
    // An object-less allocation (objectId < 0) has object colour 0.
    colour = colouring.colour(vm.objectColour(objectId), pindex);
    order = colouring.nodeOrder(colour);
    request(afterNs, ctx);
  }

  /** An object-less page for the thread to keep (the alloc-pressure workload). */
  void allocAnonymous(SimThread t, LpContext ctx) {
    alloc(-1, t.allocCount++, 0, ctx);
  }

  /** Asks the next node in order for a free page of the chosen colour. */
  private void request(long afterNs, LpContext ctx) {
    if (gd.curthread.allocTry >= order.length) {
      throw new SimulationFailure("out of simulated memory: every node's free pages are in use "
          + "(raise topology.memory-per-node or lower the workload's footprint)");
    }
    gd.sendNode(order[gd.curthread.allocTry], afterNs, new PageAlloc(gd.cpu, colour), ctx);
  }

  /** A node's answer: returns the page, or -1 when it had none and the next node is asked. */
  int onAllocated(PageAllocated p, LpContext ctx) {
    gd.spin.endIfAny(ctx);
    gd.meter.add(CpuCounter.PAGE_ALLOC_SCAN_STEPS, p.scanSteps(), ctx.now());
    if (p.pfn() < 0) {
      gd.curthread.allocTry++;
      request(0, ctx);
      return -1;
    }
    gd.meter.add(CpuCounter.PAGE_ALLOCS, 1, ctx.now());
    gd.meter.pop(ctx.now());
    return p.pfn();
  }

  /** Returns whether page {@code pfn} lives on another die's memory, counting it if so. */
  boolean remote(int pfn, long now) {
    if (gd.topo.dieOfNode(gd.topo.nodeOfPfn(pfn)) != gd.topo.dieOf(gd.cpu)) {
      gd.meter.add(CpuCounter.REMOTE_PAGES, 1, now);
      return true;
    }
    return false;
  }

  /** The object-less page is the thread's. */
  void anonymousAllocated(int pfn, LpContext ctx) {
    remote(pfn, ctx.now());
    gd.curthread.held.add(pfn);
    gd.step(0, Globaldata.Step.ALLOC_DONE, ctx);
  }

  /** vm_page_free() of a thread's object-less pages, to their nodes (the CPU does not wait). */
  void freeHeld(SimThread t, LpContext ctx) {
    free(t.held.stream().mapToInt(Integer::intValue).toArray(), t.held.size() * gd.cost.vmPageFreeNs(), ctx);
    t.held.clear();
  }

  /** Returns the node whose queues hold a page of node {@code node}: its own, or before NUMA node 0's. */
  int queueNode(int node) {
    return colouring.queueNode(node);
  }

  /**
   * vm_page_dontneed()'s move of page {@code pindex} of object {@code o} between the queues of its
   * colour, at the queue that holds it: a file's page where it was read in at boot (its home node, colour object colour +
   * pindex), any other the first queue its fault's vm_page_alloc() asked (the page found may be
   * of a colour or node nearby when that queue was empty).
   */
  KStep.Activate pageQueue(dfsim.core.program.VmObjectSpec o, int pindex) {
    if (o.file()) {
      return new KStep.Activate(colouring.queueNode(o.homeNode()), vm.objectColour(o.id()) + pindex,
          "vm_page_dontneed");
    }
    int c = colouring.colour(vm.objectColour(o.id()), pindex);
    return new KStep.Activate(colouring.nodeOrder(c)[0], c, "vm_page_dontneed");
  }

  /** vm_page_free() of {@code pfns}: each queue node's pages in one message, {@code afterNs} from now. */
  void free(int[] pfns, long afterNs, LpContext ctx) {
    int nodes = gd.topo.nodes();
    int[] perNode = new int[nodes];
    for (int pfn : pfns) {
      perNode[colouring.queueNode(gd.topo.nodeOfPfn(pfn))]++;
    }
    int[][] byNode = new int[nodes][];
    for (int n = 0; n < nodes; n++) {
      byNode[n] = new int[perNode[n]];
      perNode[n] = 0;
    }
    for (int pfn : pfns) {
      int n = colouring.queueNode(gd.topo.nodeOfPfn(pfn));
      byNode[n][perNode[n]++] = pfn;
    }
    for (int n = 0; n < nodes; n++) {
      if (byNode[n].length > 0) {
        gd.sendNode(n, afterNs, new PageFree(byNode[n], gd.cpu), ctx);
      }
    }
  }
}
