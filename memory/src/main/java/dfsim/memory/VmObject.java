package dfsim.memory;

import dfsim.core.protocol.ObjectLockRequest;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A VM object homed on this node: its resident pages ({@code pindex -> pfn}) and its exclusive
 * lock (the object token of vm_object_hold(), sys/vm/vm_object.c) with the requests waiting for
 * it in arrival order.
 */
final class VmObject {
  final int id;
  private final int[] pages;
  /** The CPU holding the lock, or -1. */
  int holder = -1;
  /** When the home granted the lock to its holder. */
  long grantedAt;
  /** The last CPU whose cache held the lock's line, or -1 while it has never left memory. */
  int lastOwner = -1;
  final ArrayDeque<ObjectLockRequest> waiters = new ArrayDeque<>();

  VmObject(int id, int pages) {
    this.id = id;
    this.pages = new int[pages];
    Arrays.fill(this.pages, -1);
  }

  int size() {
    return pages.length;
  }

  /** Returns the page at {@code pindex}, or -1 (vm_page_lookup()). */
  int lookup(int pindex) {
    return pages[pindex];
  }

  void insert(int pindex, int pfn) {
    if (pages[pindex] >= 0) {
      throw new IllegalStateException("object " + id + " pindex " + pindex + " is already resident");
    }
    pages[pindex] = pfn;
  }

  /** Removes the resident pages of [start, start + count) and returns them. */
  int[] removeRange(int start, int count) {
    int end = Math.min(pages.length, start + count);
    int n = 0;
    for (int i = start; i < end; i++) {
      if (pages[i] >= 0) {
        n++;
      }
    }
    int[] out = new int[n];
    n = 0;
    for (int i = start; i < end; i++) {
      if (pages[i] >= 0) {
        out[n++] = pages[i];
        pages[i] = -1;
      }
    }
    return out;
  }
}
