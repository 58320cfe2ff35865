package dfsim.core.sim;

/**
 * One scheduled delivery. Events are totally ordered by (time, source LP, source sequence): every
 * LP numbers what it sends, so the order is a property of the model alone.
 */
public record Event(long time, int source, long sequence, int target, SimMessage message)
    implements Comparable<Event> {

  @Override
  public int compareTo(Event o) {
    return precedes(o) ? -1 : (o.precedes(this) ? 1 : 0);
  }

  /** Returns whether this event comes strictly before {@code o} in the total order. */
  public boolean precedes(Event o) {
    if (time != o.time) {
      return time < o.time;
    }
    if (source != o.source) {
      return source < o.source;
    }
    return sequence < o.sequence;
  }
}
