package dfsim.core.sim;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * The sequential engine's pending events in their total order (time, source LP, source sequence):
 * a calendar of time buckets in front of two {@link EventHeap}s. On a big box most pending events
 * lie far ahead (a 1024-CPU box keeps about 3,000 pending: each CPU's next tick a millisecond
 * out, spins and allocations up to hundreds of microseconds out), and one heap over all of them
 * made every pop and nearly every add walk a dozen levels for the few events due next.
 *
 * <p>Events due in the current bucket or before it are in {@code near}, a heap
 * that holds only a bucket's worth. Events in the next {@link #SLOTS} - 1 buckets wait unsorted
 * in the bucket's slot of a ring (a linked list in primitive arrays, with a bitmap of the slots in
 * use); events beyond the ring wait in {@code far}, a heap. When {@code near} empties, the
 * calendar moves to the earliest bucket that holds an event, ring or far, and loads that bucket
 * into {@code near}. Each event is therefore ordered by a heap of a bucket's size, and the order
 * of delivery is exactly {@link EventHeap}'s (EventOrderTest compares the two).
 */
public final class EventCalendar {
  /**
   * A bucket spans 2^3 = 8 ns of simulated time: about a dozen events on a 1024-CPU box in its
   * steady state (1.6 events per simulated ns). Widths of 2 to 8 ns measured alike there; 16 ns
   * and more were slower. On small boxes a bucket is mostly empty, and the bitmap skips it.
   */
  private static final int WIDTH_SHIFT = 3;
  /** Slots in the ring: 32,768 buckets, 262 us ahead; later events (ticks) wait in {@code far}. */
  static final int SLOTS = 1 << 15;
  private static final int SLOT_MASK = SLOTS - 1;

  private final EventHeap near = new EventHeap();
  private final EventHeap far = new EventHeap();

  /**
   * The current bucket (time >> WIDTH_SHIFT); every event of it or an earlier one is in
   * {@code near}. Buckets, not times, are compared, so that no bound overflows near Long.MAX_VALUE.
   */
  private long current;

  /** First entry of each slot's list, -1 when empty; bit s of {@code used} says slot s has one. */
  private final int[] head = new int[SLOTS];
  private final long[] used = new long[SLOTS / 64];
  private int inRing;

  // The ring's entries, linked through next; free entries are linked from freeEntry.
  private long[] time = new long[1024];
  private int[] source = new int[1024];
  private long[] sequence = new long[1024];
  private int[] target = new int[1024];
  private SimMessage[] message = new SimMessage[1024];
  private int[] next = new int[1024];
  private int freeEntry = -1;
  private int entries;

  public EventCalendar() {
    Arrays.fill(head, -1);
  }

  /** Returns the number of queued events. */
  public int size() {
    return near.size() + inRing + far.size();
  }

  public boolean isEmpty() {
    return size() == 0;
  }

  /** Adds an event (at any time: one before the current bucket is ordered in {@code near}). */
  public void add(long t, int from, long seq, int to, SimMessage m) {
    long bucket = t >> WIDTH_SHIFT;
    if (bucket <= current) {
      near.add(t, from, seq, to, m);
      return;
    }
    if (bucket - current >= SLOTS) {
      far.add(t, from, seq, to, m);
      return;
    }
    EventHeap.checkKey(from, seq);
    int e = entry();
    time[e] = t;
    source[e] = from;
    sequence[e] = seq;
    target[e] = to;
    message[e] = m;
    int slot = (int) bucket & SLOT_MASK;
    next[e] = head[slot];
    head[slot] = e;
    used[slot >>> 6] |= 1L << slot;
    inRing++;
  }

  /** Returns the first event's time, or {@link Long#MAX_VALUE} when empty. */
  public long peekTime() {
    if (near.isEmpty() && !advance()) {
      return Long.MAX_VALUE;
    }
    return near.peekTime();
  }

  public int peekSource() {
    front();
    return near.peekSource();
  }

  public long peekSequence() {
    front();
    return near.peekSequence();
  }

  long peekKey() {
    front();
    return near.peekKey();
  }

  public int peekTarget() {
    front();
    return near.peekTarget();
  }

  public SimMessage peekMessage() {
    front();
    return near.peekMessage();
  }

  /** Removes the first event. */
  public void pop() {
    front();
    near.pop();
  }

  private void front() {
    if (near.isEmpty() && !advance()) {
      throw new NoSuchElementException("no pending events");
    }
  }

  /**
   * Moves to the earliest bucket that holds an event and loads it into {@code near}; returns false
   * when nothing is pending.
   */
  private boolean advance() {
    if (inRing == 0 && far.isEmpty()) {
      return false;
    }
    long ringBucket = inRing == 0 ? Long.MAX_VALUE : nextUsedBucket();
    long farBucket = far.isEmpty() ? Long.MAX_VALUE : far.peekTime() >> WIDTH_SHIFT;
    long bucket = Math.min(ringBucket, farBucket);
    current = bucket;
    if (ringBucket == bucket) {
      int slot = (int) bucket & SLOT_MASK;
      for (int e = head[slot]; e >= 0; ) {
        near.add(time[e], source[e], sequence[e], target[e], message[e]);
        message[e] = null;
        int n = next[e];
        next[e] = freeEntry;
        freeEntry = e;
        e = n;
        inRing--;
      }
      head[slot] = -1;
      used[slot >>> 6] &= ~(1L << slot);
    }
    while (!far.isEmpty() && far.peekTime() >> WIDTH_SHIFT <= bucket) {
      near.add(far.peekTime(), far.peekSource(), far.peekSequence(), far.peekTarget(), far.peekMessage());
      far.pop();
    }
    return true;
  }

  /** Returns the first bucket after the current one whose slot is in use (the ring is not empty). */
  private long nextUsedBucket() {
    int start = (int) (current + 1) & SLOT_MASK;
    int word = start >>> 6;
    long bits = used[word] & (-1L << start);
    for (int scanned = 0; bits == 0; scanned++) {
      if (scanned == used.length) {
        throw new IllegalStateException("ring count " + inRing + " but no slot in use");
      }
      word = (word + 1) & (used.length - 1);
      bits = used[word];
    }
    int slot = (word << 6) + Long.numberOfTrailingZeros(bits);
    return current + 1 + ((slot - start) & SLOT_MASK);
  }

  private int entry() {
    if (freeEntry >= 0) {
      int e = freeEntry;
      freeEntry = next[e];
      return e;
    }
    if (entries == time.length) {
      int n = entries * 2;
      time = Arrays.copyOf(time, n);
      source = Arrays.copyOf(source, n);
      sequence = Arrays.copyOf(sequence, n);
      target = Arrays.copyOf(target, n);
      message = Arrays.copyOf(message, n);
      next = Arrays.copyOf(next, n);
    }
    return entries++;
  }
}
