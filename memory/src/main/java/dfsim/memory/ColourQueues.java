package dfsim.memory;

/**
 * A node's free pages split into PQ_L2_SIZE colour queues (vm_page_queues[PQ_FREE + colour]),
 * as compact arrays: one int per page (the next page of its queue) and a head and count per
 * colour; no object per page. A page's colour is its page number "twisted" by its higher digits
 * in base PQ_L2_SIZE, so that consecutive pages spread over the colours (vm_add_new_page(),
 * sys/vm/vm_page.c at 85946b6c). See docs/model/vm-page-alloc.md.
 */
final class ColourQueues {
  private final int firstPfn;
  private final int mask;
  /** Whether a page's colour twists in its higher digits (85946b6c on) or is its low bits (before). */
  private final boolean twisted;
  private final int[] next;
  private final int[] head;
  private final int[] count;

  /** All pages of [firstPfn, firstPfn + pages) start free, coloured twisted. */
  ColourQueues(int firstPfn, int pages, int l2Size) {
    this(firstPfn, pages, l2Size, true, pfn -> true);
  }

  /**
   * The pages of [firstPfn, firstPfn + pages) that {@code free} accepts start free; a page's
   * colour is twisted by its higher digits or, before 85946b6c, its low bits ({@code pfn & mask}).
   */
  ColourQueues(int firstPfn, int pages, int l2Size, boolean twisted, java.util.function.IntPredicate free) {
    this.firstPfn = firstPfn;
    this.mask = l2Size - 1;
    this.twisted = twisted;
    this.next = new int[pages];
    this.head = new int[l2Size];
    this.count = new int[l2Size];
    java.util.Arrays.fill(head, -1);
    for (int i = pages - 1; i >= 0; i--) {
      if (free.test(firstPfn + i)) {
        push(firstPfn + i);
      }
    }
  }

  /** Returns the colour of page {@code pfn}. */
  int colourOf(int pfn) {
    if (!twisted) {
      return pfn & mask;
    }
    int l2 = mask + 1;
    return (pfn ^ (pfn / l2) ^ (pfn / l2 / l2)) & mask;
  }

  boolean hasPage(int colour) {
    return count[colour] > 0;
  }

  /** Takes a page of {@code colour}, which must have one. */
  int pop(int colour) {
    int pfn = head[colour];
    head[colour] = next[pfn - firstPfn];
    count[colour]--;
    return pfn;
  }

  void push(int pfn) {
    int c = colourOf(pfn);
    next[pfn - firstPfn] = head[c];
    head[c] = pfn;
    count[c]++;
  }

  /**
   * Takes {@code pages} pages away for good, emptying whole colour queues from colour 0 up: the
   * lowest colours drained, the highest untouched (memory used by others since boot).
   */
  void drain(int pages) {
    int colour = 0;
    while (pages > 0 && colour <= mask) {
      if (count[colour] == 0) {
        colour++;
        continue;
      }
      pop(colour);
      pages--;
    }
  }

  /** Returns the number of free pages. */
  int free() {
    int n = 0;
    for (int c : count) {
      n += c;
    }
    return n;
  }
}
