package dfsim.memory;

import java.util.function.IntPredicate;

/**
 * vm_page_alloc()'s search of the global colour queues before NUMA (sys/vm/vm_page.c,
 * _vm_page_list_find() and _vm_page_list_find2() at 85946b6c and its parent): the home queue,
 * then for i from PQ_L2_SIZE / 2 down to 1 the queue i above and then i below, farthest first,
 * each an unlocked look at its head. See docs/model/vm-page-alloc.md.
 */
final class PageListFind2011 implements QueueSearch {
  private final int mask;
  private int steps;

  PageListFind2011(int l2Size) {
    this.mask = l2Size - 1;
  }

  @Override
  public int find(int index, IntPredicate hasPage) {
    int home = index & mask;
    steps = 0;
    if (hasPage.test(home)) {
      return home;
    }
    for (int i = (mask + 1) / 2; i >= 1; i--) {
      int up = (home + i) & mask;
      steps++;
      if (hasPage.test(up)) {
        return up;
      }
      int down = (home - i) & mask;
      steps++;
      if (hasPage.test(down)) {
        return down;
      }
    }
    return -1;
  }

  @Override
  public int steps() {
    return steps;
  }
}
