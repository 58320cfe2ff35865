package dfsim.core.sim;

/** The least delay, in ns, of a message from one LP to another. */
@FunctionalInterface
public interface LinkLatency {
  /** Returns the link latency from LP {@code from} to LP {@code to} ({@code from != to}). */
  long between(int from, int to);
}
