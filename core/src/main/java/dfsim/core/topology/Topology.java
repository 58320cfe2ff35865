package dfsim.core.topology;

import dfsim.core.config.BadInputException;
import dfsim.core.config.Settings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The box: {@code topology.sockets} x {@code dies-per-socket} x cores x SMT threads. CPU ids
 * count threads of a core, then cores of a die, then dies, then sockets. A NUMA node is a die
 * with memory; a CPU on a memoryless die takes its memory from the nearest node. Die and core
 * ids are global (unique over the box).
 */
public final class Topology {
  private final int sockets;
  private final int diesPerSocket;
  private final int coresPerSocket;
  private final int threadsPerCore;
  private final int[] cpuSocket;
  private final int[] cpuDie;
  private final int[] cpuCore;
  private final int[] cpuThread;
  private final int[] nodeDie;
  private final int[] dieNode;
  private final int[] cpuNode;
  private final int[][] nodesByDistance;
  private final long pagesPerNode;
  private final Latencies latencies;

  public Topology(int sockets, int diesPerSocket, int coresPerSocket, int threadsPerCore,
      List<Integer> memorylessDies, long pagesPerNode, Latencies latencies) {
    this.sockets = sockets;
    this.diesPerSocket = diesPerSocket;
    this.coresPerSocket = coresPerSocket;
    this.threadsPerCore = threadsPerCore;
    this.pagesPerNode = pagesPerNode;
    this.latencies = latencies;
    int dies = sockets * diesPerSocket;
    int coresPerDie = coresPerSocket / diesPerSocket;
    int ncpus = sockets * coresPerSocket * threadsPerCore;
    cpuSocket = new int[ncpus];
    cpuDie = new int[ncpus];
    cpuCore = new int[ncpus];
    cpuThread = new int[ncpus];
    for (int c = 0; c < ncpus; c++) {
      int core = c / threadsPerCore;
      cpuThread[c] = c % threadsPerCore;
      cpuCore[c] = core;
      cpuDie[c] = core / coresPerDie;
      cpuSocket[c] = core / coresPerSocket;
    }
    dieNode = new int[dies];
    List<Integer> nodes = new ArrayList<>();
    for (int d = 0; d < dies; d++) {
      if (memorylessDies.contains(d)) {
        dieNode[d] = -1;
      } else {
        dieNode[d] = nodes.size();
        nodes.add(d);
      }
    }
    nodeDie = nodes.stream().mapToInt(Integer::intValue).toArray();
    cpuNode = new int[ncpus];
    nodesByDistance = new int[ncpus][];
    for (int c = 0; c < ncpus; c++) {
      final int cpu = c;
      Integer[] order = new Integer[nodeDie.length];
      for (int n = 0; n < order.length; n++) {
        order[n] = n;
      }
      Arrays.sort(order, Comparator.comparingInt((Integer n) -> cpuToNode(cpu, n).ordinal())
          .thenComparingInt(n -> n));
      nodesByDistance[c] = Arrays.stream(order).mapToInt(Integer::intValue).toArray();
      cpuNode[c] = nodesByDistance[c][0];
    }
  }

  /** Reads {@code topology.*} and {@code latency.*}. */
  public static Topology from(Settings s, long lookaheadNs) {
    int sockets = s.intIn("topology.sockets", 1, 64);
    int dies = s.intIn("topology.dies-per-socket", 1, 16);
    int cores = s.intIn("topology.cores-per-socket", 1, 1024);
    int threads = s.intIn("topology.threads-per-core", 1, 8);
    if (cores % dies != 0) {
      throw new BadInputException("topology.cores-per-socket = " + cores
          + ": must be a multiple of topology.dies-per-socket (" + dies + ")");
    }
    if ((long) sockets * cores * threads > 4096) {
      throw new BadInputException("topology: " + sockets * cores * threads
          + " CPUs (sockets x cores-per-socket x threads-per-core): must be at most 4096");
    }
    List<Integer> memoryless = s.intList("topology.memoryless-dies", 0, sockets * dies - 1);
    if (memoryless.stream().distinct().count() == sockets * dies) {
      throw new BadInputException("topology.memoryless-dies = " + memoryless
          + ": at least one die must have memory");
    }
    long bytes = s.bytes("topology.memory-per-node", 1L << 20, 1L << 40);
    int nodes = sockets * dies - (int) memoryless.stream().distinct().count();
    long pages = bytes / 4096 * nodes;
    if (pages > Integer.MAX_VALUE) {
      throw new BadInputException("topology.memory-per-node = " + s.config().getValue("topology.memory-per-node").render(com.typesafe.config.ConfigRenderOptions.concise())
          + ": " + nodes + " nodes x " + bytes / 4096 + " pages exceed 2^31 simulated pages");
    }
    // Free-page state is an int per page; leave room for the rest of the model.
    long heapNeeded = pages * 8;
    if (heapNeeded > Runtime.getRuntime().maxMemory() / 2) {
      long maxHeap = Runtime.getRuntime().maxMemory();
      long allowedMiB = (maxHeap / 2 / 8 / nodes * 4096) >> 20;
      throw new BadInputException("topology.memory-per-node = " + s.config().getValue("topology.memory-per-node").render(com.typesafe.config.ConfigRenderOptions.concise())
          + ": " + pages + " simulated pages need about " + (heapNeeded >> 20) + " MiB of page state, over half"
          + " of this JVM's " + (maxHeap >> 20) + " MiB maximum heap (-Xmx); at most " + allowedMiB
          + "M per node here (raise -Xmx via DFSIM_JAVA_OPTS, or lower the size)");
    }
    return new Topology(sockets, dies, cores, threads, memoryless, bytes / 4096,
        Latencies.from(s, lookaheadNs));
  }

  public int sockets() {
    return sockets;
  }

  public int diesPerSocket() {
    return diesPerSocket;
  }

  public int coresPerSocket() {
    return coresPerSocket;
  }

  public int threadsPerCore() {
    return threadsPerCore;
  }

  public int cpus() {
    return cpuSocket.length;
  }

  public int dies() {
    return dieNode.length;
  }

  /** Returns the number of NUMA nodes (dies with memory). */
  public int nodes() {
    return nodeDie.length;
  }

  public int socketOf(int cpu) {
    return cpuSocket[cpu];
  }

  public int dieOf(int cpu) {
    return cpuDie[cpu];
  }

  public int coreOf(int cpu) {
    return cpuCore[cpu];
  }

  public int threadOf(int cpu) {
    return cpuThread[cpu];
  }

  /** Returns the die of NUMA node {@code node}. */
  public int dieOfNode(int node) {
    return nodeDie[node];
  }

  /** Returns the node whose memory holds page frame {@code pfn}. */
  public int nodeOfPfn(long pfn) {
    return (int) (pfn / pagesPerNode);
  }

  /** Returns the NUMA node whose memory {@code cpu} uses first (its own die's, or the nearest). */
  public int nodeOf(int cpu) {
    return cpuNode[cpu];
  }

  /** Returns every node ordered by distance from {@code cpu}, nearest first, ties by index. */
  public int[] nodesByDistance(int cpu) {
    return nodesByDistance[cpu];
  }

  /** Returns simulated physical pages per node. */
  public long pagesPerNode() {
    return pagesPerNode;
  }

  public Latencies latencies() {
    return latencies;
  }

  /** Returns the distance between two CPUs. */
  public Distance cpuToCpu(int a, int b) {
    if (a == b) {
      return Distance.SAME;
    }
    if (cpuCore[a] == cpuCore[b]) {
      return Distance.SMT;
    }
    return dieDistance(cpuDie[a], cpuDie[b]);
  }

  /** Returns the distance from a CPU to the memory of node {@code node}. */
  public Distance cpuToNode(int cpu, int node) {
    return dieDistance(cpuDie[cpu], nodeDie[node]);
  }

  /** Returns the distance between two dies (a die's CPUs share its L3: SAME_DIE). */
  public Distance dieDistance(int a, int b) {
    if (a == b) {
      return Distance.SAME_DIE;
    }
    return a / diesPerSocket == b / diesPerSocket ? Distance.CROSS_DIE : Distance.CROSS_SOCKET;
  }

  /** Returns the cache-line transfer cost between two CPUs. */
  public long transferNs(int fromCpu, int toCpu) {
    return latencies.transfer(cpuToCpu(fromCpu, toCpu));
  }
}
