package dfsim.core.program;


/**
 * A simulated thread to start: thread and process ids, its LWKT priority ({@code td_pri}, 0..31)
 * and the CPU it is placed on.
 */
public record ThreadSpec(int tid, int pid, int priority, int cpu) {
  /** {@code TDPRI_USER_NORM}: the LWKT priority of a thread running in user mode. */
  public static final int TDPRI_USER_NORM = 6;
}
