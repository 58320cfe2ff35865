package dfsim.memory;

import dfsim.core.kernel.LwktTokenState;
import dfsim.core.protocol.ObjectTokenRequest;
import dfsim.core.topology.CacheLine;
import dfsim.core.topology.Topology;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;

/**
 * A VM object homed on this node (sys/vm/vm_object.c): its resident pages
 * ({@code pindex -> pfn}), its ref_count, the PG_BUSY bits of its pages, and its token
 * ({@code obj->token}, an {@link LwktTokenState} like every LWKT token).
 */
final class VmObject {
  final int id;
  /** Not memory but a process's vm_map token (its waits count as {@code vm_map} contention). */
  final boolean mapToken;
  private int[] pages;
  int refs;
  /**
   * Of a map token: the process's break in pages above its start (the vm_dsize the token
   * guards), and whether the brk entry above that start has a VM object.
   */
  int brkPages;
  boolean brkEntryObject;
  /** Of a map token: the process's fd_spin (holdfp()), made at its first take. */
  QueueLock fdSpin;
  /** Its token: {@code obj->token}, or the map's {@code map->token}. */
  final LwktTokenState<ObjectTokenRequest> token;
  /** The ref_count's cache line, which lockless references and drops update. */
  final CacheLine refLine;
  /** Pages with PG_BUSY set by a fault in progress, and requests waiting for them. */
  final BitSet busy = new BitSet();
  final ArrayDeque<ObjectTokenRequest> busyWaiters = new ArrayDeque<>();

  VmObject(int id, int pages, boolean mapToken, int refs, Topology topo) {
    this.mapToken = mapToken;
    this.id = id;
    this.token = new LwktTokenState<>(topo);
    this.refLine = new CacheLine(topo);
    this.refs = refs;
    this.pages = new int[Math.max(1, pages)];
    Arrays.fill(this.pages, -1);
  }

  int size() {
    return pages.length;
  }

  /** Returns the page at {@code pindex}, or -1 (vm_page_lookup()). */
  int lookup(int pindex) {
    return pindex < pages.length ? pages[pindex] : -1;
  }

  void insert(int pindex, int pfn) {
    if (pindex >= pages.length) {
      int n = pages.length;
      pages = Arrays.copyOf(pages, Math.max(pindex + 1, 2 * n));
      Arrays.fill(pages, n, pages.length, -1);
    }
    if (pages[pindex] >= 0) {
      throw new IllegalStateException("object " + id + " pindex " + pindex + " is already resident");
    }
    pages[pindex] = pfn;
  }

  /** Removes the resident pages of [start, start + count) and returns them. */
  int[] removeRange(int start, int count) {
    int end = (int) Math.min(pages.length, (long) start + count);
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
