package dfsim.workloads;

import dfsim.core.config.BadInputException;
import dfsim.core.config.Settings;
import dfsim.core.program.ThreadSpec;
import dfsim.core.topology.Topology;
import java.util.List;

/**
 * {@code workload.processes}, {@code workload.threads} (per process), {@code workload.priority}
 * and {@code workload.cpus}: which CPU each thread starts on, round-robin over the CPU set in
 * thread-id order (thread id = process x threads + index).
 */
public record Placement(int processes, int threadsPerProcess, int priority, int[] cpus) {
  /** The most simulated threads a workload may have. */
  public static final int MAX_THREADS = 1 << 16;

  /** Reads and checks the placement keys. */
  public static Placement from(Settings s, Topology topo) {
    int processes = s.intIn("workload.processes", 1, 65_536);
    int threads = s.intIn("workload.threads", 1, 65_536);
    if (processes > dfsim.core.program.VmObjectSpec.MAX_PROCESSES) {
      throw new BadInputException("workload.processes = " + processes + ": must be at most "
          + dfsim.core.program.VmObjectSpec.MAX_PROCESSES + " (each process's map has an id of its own)");
    }
    if ((long) processes * threads > MAX_THREADS) {
      throw new BadInputException("workload.processes x workload.threads = " + processes + " x " + threads
          + ": must be at most " + MAX_THREADS + " threads in all");
    }
    int priority = s.intIn("workload.priority", 0, 31);
    List<Integer> set = s.intList("workload.cpus", 0, topo.cpus() - 1);
    int[] cpus = set.isEmpty()
        ? java.util.stream.IntStream.range(0, topo.cpus()).toArray()
        : set.stream().mapToInt(Integer::intValue).toArray();
    return new Placement(processes, threads, priority, cpus);
  }

  /** Returns the number of threads of the whole workload. */
  public int totalThreads() {
    return processes * threadsPerProcess;
  }

  /** Returns every thread, in id order, each with the priority {@code priorityOf} gives its id. */
  public List<ThreadSpec> threads(java.util.function.IntUnaryOperator priorityOf) {
    List<ThreadSpec> out = new java.util.ArrayList<>(totalThreads());
    for (int tid = 0; tid < totalThreads(); tid++) {
      out.add(new ThreadSpec(tid, tid / threadsPerProcess, priorityOf.applyAsInt(tid), cpuOf(tid)));
    }
    return out;
  }

  /** Returns every thread at {@code workload.priority}. */
  public List<ThreadSpec> threads() {
    return threads(tid -> priority);
  }

  /** Returns the CPU each thread starts on, by thread id. */
  public int[] cpuOfEach() {
    int[] out = new int[totalThreads()];
    for (int tid = 0; tid < out.length; tid++) {
      out[tid] = cpuOf(tid);
    }
    return out;
  }

  /** Returns the CPU thread {@code tid} starts on. */
  public int cpuOf(int tid) {
    return cpus[tid % cpus.length];
  }
}
