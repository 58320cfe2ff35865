package dfsim.core.topology;

/** How far apart two places on the box are, nearest first. */
public enum Distance {
  /** The same hardware thread (or the same LP). */
  SAME,
  /** SMT siblings of one core. */
  SMT,
  /** Different cores of one die (shared L3). */
  SAME_DIE,
  /** Different dies of one package. */
  CROSS_DIE,
  /** Different sockets. */
  CROSS_SOCKET
}
