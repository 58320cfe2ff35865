package dfsim.core.sim;

import java.util.Arrays;

/**
 * A binary min-heap of pending events in their total order (time, source LP, source sequence),
 * kept in parallel primitive arrays: no object per event, and a comparison reads two longs of
 * contiguous arrays instead of two scattered event objects, which is what the heap's time went
 * to on large boxes (JFR of a 1024-CPU run: siftDown stalled on event headers). Source and
 * sequence share one long, so the order is (time, key).
 */
public final class EventHeap {
  /** Bits of the key for the source's sequence number; the rest hold the source LP id. */
  private static final int SEQUENCE_BITS = 40;
  private static final long MAX_SEQUENCE = (1L << SEQUENCE_BITS) - 1;
  private static final int MAX_SOURCE = (1 << (63 - SEQUENCE_BITS)) - 1;

  private long[] time = new long[1024];
  private long[] key = new long[1024];
  private int[] target = new int[1024];
  private SimMessage[] message = new SimMessage[1024];
  private int size;

  /** Returns the number of queued events. */
  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Adds an event. */
  public void add(long t, int source, long sequence, int to, SimMessage m) {
    checkKey(source, sequence);
    if (size == time.length) {
      int n = size * 2;
      time = Arrays.copyOf(time, n);
      key = Arrays.copyOf(key, n);
      target = Arrays.copyOf(target, n);
      message = Arrays.copyOf(message, n);
    }
    long k = key(source, sequence);
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      long pt = time[parent];
      if (pt < t || (pt == t && key[parent] < k)) {
        break;
      }
      move(parent, i);
      i = parent;
    }
    set(i, t, k, to, m);
  }

  /** Refuses a source or sequence that the key cannot hold. */
  static void checkKey(int source, long sequence) {
    if (source < 0 || source > MAX_SOURCE || sequence < 0 || sequence > MAX_SEQUENCE) {
      throw new IllegalArgumentException("event key out of range: source " + source + ", sequence " + sequence);
    }
  }

  /** Returns the key of an event: its source and sequence in one long, ordered as the pair. */
  static long key(int source, long sequence) {
    return ((long) source << SEQUENCE_BITS) | sequence;
  }

  /** Returns the first event's key (source and sequence). */
  long peekKey() {
    return key[0];
  }

  /** Returns the first event's time, or {@link Long#MAX_VALUE} when empty. */
  public long peekTime() {
    return size == 0 ? Long.MAX_VALUE : time[0];
  }

  public int peekSource() {
    return (int) (key[0] >>> SEQUENCE_BITS);
  }

  public long peekSequence() {
    return key[0] & MAX_SEQUENCE;
  }

  public int peekTarget() {
    return target[0];
  }

  public SimMessage peekMessage() {
    return message[0];
  }

  /** Returns whether this heap's first event precedes {@code other}'s (false if this is empty). */
  public boolean firstPrecedes(EventHeap other) {
    if (size == 0) {
      return false;
    }
    if (other.size == 0) {
      return true;
    }
    return time[0] < other.time[0] || (time[0] == other.time[0] && key[0] < other.key[0]);
  }

  /** Removes the first event. */
  public void pop() {
    int last = --size;
    long t = time[last];
    long k = key[last];
    int to = target[last];
    SimMessage m = message[last];
    message[last] = null;
    if (last == 0) {
      return;
    }
    int i = 0;
    int half = last >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < last && (time[right] < time[child] || (time[right] == time[child] && key[right] < key[child]))) {
        child = right;
      }
      if (t < time[child] || (t == time[child] && k < key[child])) {
        break;
      }
      move(child, i);
      i = child;
    }
    set(i, t, k, to, m);
  }

  private void move(int from, int to) {
    time[to] = time[from];
    key[to] = key[from];
    target[to] = target[from];
    message[to] = message[from];
  }

  private void set(int i, long t, long k, int to, SimMessage m) {
    time[i] = t;
    key[i] = k;
    target[i] = to;
    message[i] = m;
  }
}
