package dfsim.memory;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The search vm_page_alloc() makes for a free page of colour {@code index}: _vm_page_list_find()
 * tries the home queue, then _vm_page_list_find2() widens set-associatively: round after round it
 * scans the aligned block of queues holding {@code index}, starting at {@code index} and wrapping
 * inside the block, the block doubling until it covers all PQ_L2_SIZE queues
 * (sys/vm/vm_page.c at e3c330f0 and its parent; docs/model/vm-page-alloc.md).
 *
 * <ul>
 *   <li>rescan (before e3c330f0): every round starts over at the block's first position, so it
 *       probes again every queue of the smaller blocks; the first block is 16 queues (fixed
 *       16-way set associativity).
 *   <li>no rescan (e3c330f0): every round probes only the queues the smaller block did not; the
 *       first block is max(8, PQ_L2_SIZE / ncpus rounded up to a power of two) queues. e3c330f0
 *       itself kept a start position that skipped some queues altogether when {@code index} was
 *       not block-aligned (fixed the same day by e32fb2aa5e); this models the intent, every
 *       queue probed once.
 *   <li>lastq (e3c330f0): a hit found 8 or more probes afield is remembered in the home queue,
 *       and later misses there start the search at it; a hit in the home queue clears it.
 * </ul>
 *
 * One probe is one queue looked at (its unlocked TAILQ_FIRST); the home queue's own check is
 * not counted.
 */
final class PageQueueScan implements QueueSearch {
  private final int mask;
  private final int firstBlockMask;
  private final Rounds rounds;
  private final LastQueue lastq;
  private int steps;

  /**
   * @param l2Size PQ_L2_SIZE, a power of two
   * @param firstBlockMask the first round's block size - 1 (PQ_SET_ASSOC_MASK / set_assoc_mask)
   * @param rescan {@code kernel.vm-page.rescan}
   * @param useLastq {@code kernel.vm-page.lastq}
   */
  PageQueueScan(int l2Size, int firstBlockMask, boolean rescan, boolean useLastq) {
    if (Integer.bitCount(l2Size) != 1 || Integer.bitCount(firstBlockMask + 1) != 1 || firstBlockMask >= l2Size) {
      throw new IllegalArgumentException("PQ_L2_SIZE " + l2Size + " with block mask " + firstBlockMask);
    }
    this.mask = l2Size - 1;
    this.firstBlockMask = firstBlockMask;
    this.rounds = rescan ? new Rescan() : new NewQueuesOnly();
    this.lastq = useLastq ? new Lastq(l2Size) : new NoLastq();
  }

  /** Returns the first round's block mask the kernel uses: 15 before e3c330f0, else max(7, L2/ncpus_fit - 1). */
  static int firstBlockMask(int l2Size, int ncpus, boolean rescan) {
    if (rescan) {
      return Math.min(15, l2Size - 1);
    }
    int fit = Integer.highestOneBit(Math.max(1, ncpus - 1)) << 1;
    return Math.min(l2Size - 1, Math.max(7, l2Size / fit - 1));
  }

  /**
   * Returns the queue an allocation of colour {@code index} takes its page from, or -1 when
   * {@code hasPage} holds for none; {@link #steps()} tells how many queues it probed.
   */
  @Override
  public int find(int index, IntPredicate hasPage) {
    int home = index & mask;
    steps = 0;
    if (hasPage.test(home)) {
      lastq.homeHit(home);
      return home;
    }
    return widen(lastq.start(home), home, hasPage);
  }

  /** Returns the queues probed by the last {@link #find}, beyond the home queue. */
  @Override
  public int steps() {
    return steps;
  }

  /** Returns the home queue's remembered far queue, or -1. */
  int lastq(int home) {
    return lastq.remembered(home & mask);
  }

  private int widen(int index, int home, IntPredicate hasPage) {
    int previous = -1;
    int block = firstBlockMask >> 1;
    do {
      block = block << 1 | 1;
      for (int i = 0; i <= block; i++) {
        int q = (index & ~block) | ((index + i) & block);
        if (!rounds.probes(q, index, previous)) {
          continue;
        }
        steps++;
        if (hasPage.test(q)) {
          lastq.found(home, q, steps);
          return q;
        }
      }
      previous = block;
    } while (block != mask);
    return -1;
  }

  /** {@code kernel.vm-page.rescan}: which queues of its block a widening round probes. */
  private sealed interface Rounds {
    /** Whether queue {@code q} is probed in a round searching from {@code index}, after a round of block {@code previous} (-1: none). */
    boolean probes(int q, int index, int previous);
  }

  /** Before e3c330f0: every round starts over at its block's first position. */
  private record Rescan() implements Rounds {
    @Override
    public boolean probes(int q, int index, int previous) {
      return true;
    }
  }

  /** From e3c330f0: a round probes only the queues the smaller block did not. */
  private record NewQueuesOnly() implements Rounds {
    @Override
    public boolean probes(int q, int index, int previous) {
      return previous < 0 || (q & ~previous) != (index & ~previous);
    }
  }

  /** {@code kernel.vm-page.lastq}: whether a home queue remembers where a far search found a page. */
  private sealed interface LastQueue {
    /** Where a search that missed {@code home} starts. */
    int start(int home);

    /** The home queue had a page. */
    void homeHit(int home);

    /** The search from {@code home} found queue {@code q} after {@code steps} probes. */
    void found(int home, int q, int steps);

    /** Returns the queue {@code home} remembers, or -1. */
    int remembered(int home);
  }

  /** Before e3c330f0: nothing is remembered. */
  private record NoLastq() implements LastQueue {
    @Override
    public int start(int home) {
      return home;
    }

    @Override
    public void homeHit(int home) {}

    @Override
    public void found(int home, int q, int steps) {}

    @Override
    public int remembered(int home) {
      return -1;
    }
  }

  /** From e3c330f0: a hit 8 or more probes afield is remembered; a hit at home forgets it. */
  private static final class Lastq implements LastQueue {
    private final int[] far;

    Lastq(int l2Size) {
      far = new int[l2Size];
      Arrays.fill(far, -1);
    }

    @Override
    public int start(int home) {
      return far[home] >= 0 ? far[home] : home;
    }

    @Override
    public void homeHit(int home) {
      far[home] = -1;
    }

    @Override
    public void found(int home, int q, int steps) {
      if (steps >= 8) {
        far[home] = q;
      }
    }

    @Override
    public int remembered(int home) {
      return far[home];
    }
  }
}
