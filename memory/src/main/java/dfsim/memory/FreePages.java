package dfsim.memory;

/**
 * A node's free pages as a stack of page frame numbers: one int per page, no object per page.
 * Models the single PQ_FREE queue of vm_page_queues[] before colouring spread it.
 */
final class FreePages {
  private final int[] stack;
  private int top;

  /** All pages of [firstPfn, firstPfn + count) start free, lowest address on top. */
  FreePages(int firstPfn, int count) {
    stack = new int[count];
    for (int i = 0; i < count; i++) {
      stack[i] = firstPfn + count - 1 - i;
    }
    top = count;
  }

  /** Returns a free page, or -1 when none is left. */
  int pop() {
    return top == 0 ? -1 : stack[--top];
  }

  void push(int pfn) {
    stack[top++] = pfn;
  }

  int free() {
    return top;
  }
}
