package dfsim.cpus;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code gd_tdrunq}: runnable threads sorted by {@code td_pri}, highest first; a thread joins
 * behind its equal-priority peers (_lwkt_enqueue() in sys/kern/lwkt_thread.c). See
 * docs/model/lwkt-thread.md.
 */
final class LwktRunQueue {
  private final List<SimThread> queue = new ArrayList<>();

  /** Returns the head, or null when empty. */
  SimThread head() {
    return queue.isEmpty() ? null : queue.get(0);
  }

  /** Inserts behind every queued thread of equal or higher priority. */
  void enqueue(SimThread t) {
    int i = 0;
    while (i < queue.size() && queue.get(i).priority() >= t.priority()) {
      i++;
    }
    queue.add(i, t);
  }

  /** Visits threads from the head while {@code visit} returns true. */
  void forEachFromHead(java.util.function.Predicate<SimThread> visit) {
    for (SimThread t : queue) {
      if (!visit.test(t)) {
        return;
      }
    }
  }

  /** Removes {@code t}. */
  void remove(SimThread t) {
    queue.remove(t);
  }

  /**
   * lwkt_schedulerclock(): moves the head behind its equal-priority peers; returns whether the
   * head changed.
   */
  boolean rotateHead() {
    if (queue.size() < 2 || queue.get(1).priority() != queue.get(0).priority()) {
      return false;
    }
    enqueue(queue.remove(0));
    return true;
  }
}
