package dfsim.memory;

import dfsim.core.protocol.ObjectTokenRequest;
import dfsim.core.topology.CacheLine;
import dfsim.core.topology.Topology;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * A VM object homed on this node (sys/vm/vm_object.c): its resident pages
 * ({@code pindex -> pfn}), its ref_count, the PG_BUSY bits of its pages, and its token
 * ({@code obj->token}, sys/kern/lwkt_token.c) held exclusively by one CPU or shared by several.
 *
 * <p>The token's rules (lwkt_token.c at 501747bf): an exclusive try succeeds when nobody holds it;
 * a shared try when nobody holds it exclusively, whether or not exclusive requests wait (shared
 * acquirers ignore TOK_EXCLREQ: no writer preference). There is no queue: a request whose first
 * try fails keeps reading the token ({@link Spinner}), and whichever read finds it free first
 * takes it (see docs/model/lwkt-token.md).
 */
final class VmObject {
  final int id;
  /** Not memory but a process's vm_map token (its waits count as {@code vm_map} contention). */
  final boolean mapToken;
  private int[] pages;
  int refs;
  /** The CPU holding the token exclusively, or -1. */
  int exclusive = -1;
  /** When the exclusive holder got it. */
  long grantedAt;
  /** Shared holders: CPU -> when it got the token (a CPU holds one object at most once). */
  final Map<Integer, Long> shared = new HashMap<>();
  /** The token's cache line: every acquisition, shared ones too, is an atomic on it. */
  final CacheLine line;
  /** The ref_count's cache line, which lockless references and drops update. */
  final CacheLine refLine;
  /** Requests whose first try failed, reading the token again as {@link TokenTries} says. */
  final java.util.List<Spinner> spinners = new java.util.ArrayList<>();
  /** Bumped whenever the token's state changes: a scheduled read of an older state is void. */
  long gen;
  /** Pages with PG_BUSY set by a fault in progress, and requests waiting for them. */
  final BitSet busy = new BitSet();
  final ArrayDeque<ObjectTokenRequest> busyWaiters = new ArrayDeque<>();

  VmObject(int id, int pages, boolean mapToken, int refs, Topology topo) {
    this.mapToken = mapToken;
    this.id = id;
    this.line = new CacheLine(topo);
    this.refLine = new CacheLine(topo);
    this.refs = refs;
    this.pages = new int[Math.max(1, pages)];
    Arrays.fill(this.pages, -1);
  }

  int size() {
    return pages.length;
  }

  boolean held() {
    return exclusive >= 0 || !shared.isEmpty();
  }

  /** A request whose first try failed, and when it reads the token again. */
  record Spinner(ObjectTokenRequest request, dfsim.core.kernel.TokenTries tries, long seq) {}

  /** Whether {@code r} may have the token now. */
  boolean grantable(ObjectTokenRequest r) {
    return r.shared() ? exclusive < 0 : !held();
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
