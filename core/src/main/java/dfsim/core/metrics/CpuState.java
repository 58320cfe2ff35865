package dfsim.core.metrics;

/** What a CPU is doing: each nanosecond of a run is in exactly one state. */
public enum CpuState {
  /** Running a thread or kernel code, including uncontended memory and lock traffic. */
  BUSY,
  /** Spinning on a contended lock, token or queue. */
  SPIN,
  /** No runnable thread. */
  IDLE
}
