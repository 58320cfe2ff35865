package dfsim.memory;

import java.util.function.IntPredicate;

/** How vm_page_alloc() searches the colour queues for a free page when its own colour has none. */
interface QueueSearch {
  /** Returns the queue an allocation of colour {@code index} takes its page from, or -1 if none has one. */
  int find(int index, IntPredicate hasPage);

  /** Returns the queues probed by the last {@link #find}, beyond the home queue. */
  int steps();
}
