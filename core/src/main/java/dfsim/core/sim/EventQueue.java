package dfsim.core.sim;

import java.util.Arrays;

/**
 * A binary min-heap of events in their total order. Hand-written rather than
 * {@link java.util.PriorityQueue} because it avoids the comparator indirection on the hot path
 * (about 10% faster in the prototype of DESIGN §3).
 */
public final class EventQueue {
  private Event[] heap = new Event[1024];
  private int size;

  /** Returns the number of queued events. */
  public int size() {
    return size;
  }

  /** Returns whether no event is queued. */
  public boolean isEmpty() {
    return size == 0;
  }

  /** Adds an event. */
  public void add(Event e) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Event p = heap[parent];
      if (!e.precedes(p)) {
        break;
      }
      heap[i] = p;
      i = parent;
    }
    heap[i] = e;
  }

  /** Returns the first event without removing it, or null. */
  public Event peek() {
    return size == 0 ? null : heap[0];
  }

  /** Removes and returns the first event, or null. */
  public Event poll() {
    if (size == 0) {
      return null;
    }
    Event first = heap[0];
    Event last = heap[--size];
    heap[size] = null;
    if (size > 0) {
      siftDown(last);
    }
    return first;
  }

  private void siftDown(Event e) {
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      Event c = heap[child];
      int right = child + 1;
      if (right < size && heap[right].precedes(c)) {
        child = right;
        c = heap[child];
      }
      if (!c.precedes(e)) {
        break;
      }
      heap[i] = c;
      i = child;
    }
    heap[i] = e;
  }
}
