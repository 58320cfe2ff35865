package dfsim.cpus;

import dfsim.core.config.VmPageSettings;
import dfsim.core.topology.Topology;

/**
 * {@code kernel.page-color} with {@code kernel.vm-page.numa}: the free-page colour vm_page_alloc()
 * asks for, and the queues it asks (sys/vm/vm_page.c, vm_object.c at 85946b6c and its parent;
 * before c7f9edd8 one global set, after it each node's own). See docs/model/vm-page-alloc.md.
 */
sealed interface PageColouring {

  static PageColouring of(VmPageSettings vm, Topology topo, int cpu) {
    boolean object = vm.pageColor() == VmPageSettings.PageColor.OBJECT;
    if (!vm.numa()) {
      return object ? new GlobalObjectColour(vm.pqL2Size()) : new GlobalCpuColour(vm.pqL2Size(), topo.cpus(), cpu);
    }
    return object ? new ObjectColour(vm.pqL2Size(), topo, cpu) : new CpuLocalColour(vm.pqL2Size(), topo, cpu);
  }

  /** Returns the colour for page {@code pindex} of an object whose colour is {@code objectColour}. */
  int colour(int objectColour, int pindex);

  /** Returns the nodes to ask for a page of {@code colour}, in order. */
  int[] nodeOrder(int colour);

  /** Returns the node whose queues take back (free, activate) a page of node {@code node}. */
  default int queueNode(int node) {
    return node;
  }

  /** Before NUMA (c7f9edd8): one global set of queues, kept with node 0's memory, for every page. */
  abstract sealed class GlobalQueues implements PageColouring permits GlobalObjectColour, GlobalCpuColour {
    private static final int[] NODE_0 = {0};

    @Override
    public final int[] nodeOrder(int colour) {
      return NODE_0;
    }

    @Override
    public final int queueNode(int node) {
      return 0;
    }
  }

  /**
   * Before 85946b6c, before NUMA: colour = object colour + pindex, from the one global set of
   * queues, which holds every node's pages.
   */
  final class GlobalObjectColour extends GlobalQueues {
    private final int mask;

    GlobalObjectColour(int l2Size) {
      this.mask = l2Size - 1;
    }

    @Override
    public int colour(int objectColour, int pindex) {
      return (objectColour + pindex) & mask;
    }
  }

  /**
   * 85946b6c, before NUMA: the low bits of the colour are the CPU's id, so that CPUs keep to
   * their own queues: (cpuid + (pindex & ~M) + (object colour & ~M)) & mask, M = ncpus rounded up
   * to a power of two, less one; from the one global set of queues.
   */
  final class GlobalCpuColour extends GlobalQueues {
    private final int mask;
    private final int cpu;
    private final int high;

    GlobalCpuColour(int l2Size, int ncpus, int cpu) {
      this.mask = l2Size - 1;
      this.cpu = cpu;
      this.high = ~(Integer.highestOneBit(Math.max(1, ncpus - 1)) * 2 - 1);
    }

    @Override
    public int colour(int objectColour, int pindex) {
      return (cpu + (pindex & high) + (objectColour & high)) & mask;
    }
  }

  /**
   * Before 85946b6c: colour = object colour + pindex, unrelated to the CPU, so a colour's pages
   * come from any node: here node (colour mod nodes) first, then the CPU's nearest.
   */
  final class ObjectColour implements PageColouring {
    private final int mask;
    private final int[] near;
    /** The node order for each first node, built once. */
    private final int[][] orders;

    ObjectColour(int l2Size, Topology topo, int cpu) {
      this.mask = l2Size - 1;
      this.near = topo.nodesByDistance(cpu);
      this.orders = new int[topo.nodes()][];
    }

    @Override
    public int colour(int objectColour, int pindex) {
      return (objectColour + pindex) & mask;
    }

    @Override
    public int[] nodeOrder(int colour) {
      int first = colour % orders.length;
      if (orders[first] == null) {
        int[] order = new int[near.length];
        order[0] = first;
        int i = 1;
        for (int n : near) {
          if (n != first) {
            order[i++] = n;
          }
        }
        orders[first] = order;
      }
      return orders[first];
    }
  }

  /**
   * From 85946b6c (vm_get_pg_color()): the CPU's run of colours by socket, core and thread, plus
   * (pindex + object colour) within it, from the CPU's own node first.
   */
  final class CpuLocalColour implements PageColouring {
    private final int mask;
    private final int base;
    private final int cpuScale;
    private final int[] near;

    CpuLocalColour(int l2Size, Topology topo, int cpu) {
      this.mask = l2Size - 1;
      int physScale = Math.max(1, l2Size / topo.sockets());
      int grpScale = Math.max(1, physScale / topo.coresPerSocket());
      this.cpuScale = Math.max(1, grpScale / topo.threadsPerCore());
      int coreInSocket = topo.coreOf(cpu) % topo.coresPerSocket();
      this.base = topo.socketOf(cpu) * physScale + coreInSocket * grpScale + topo.threadOf(cpu) * cpuScale;
      this.near = topo.nodesByDistance(cpu);
    }

    @Override
    public int colour(int objectColour, int pindex) {
      return (base + (pindex + objectColour) % cpuScale) & mask;
    }

    @Override
    public int[] nodeOrder(int colour) {
      return near;
    }
  }
}
