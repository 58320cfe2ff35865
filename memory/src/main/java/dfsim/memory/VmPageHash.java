package dfsim.memory;

import dfsim.core.config.VmPageSettings.PageHash;

/**
 * vm_page_hash[] (sys/vm/vm_page.c): a lockless cache from (object, pindex) to the resident
 * page, filled by object-locked lookups (vm_page_lookup()) and read by vm_fault_quick()
 * (sys/vm/vm_fault.c), which maps a hit without taking the object's lock.
 *
 * <ul>
 *   <li>{@code direct} (before e3c330f0): one slot per physical page, index
 *       {@code (object % size + pindex) % size}; the last writer wins.
 *   <li>{@code set4} (e3c330f0): {@code {page, ticks}} entries, size a power of two, at least
 *       4096 and doubled while below {@code npages / 16}, at most 1M; index
 *       {@code ((pg_color << 8) ^ object) + (pindex << 2)} masked to a 4-way set; a hit refreshes
 *       its ticks, an entry replaces the oldest way by ticks (a stamp from the future counts as
 *       oldest; ties keep the lower way).
 * </ul>
 *
 * <p>Pages are kept as page frame numbers in int arrays (no object per entry). A hit is checked
 * against the object's resident page as vm_page_hash_get() re-checks {@code m->object} and
 * {@code m->pindex}, so a stale slot of a freed or reused page misses. The kernel keeps one table
 * for the box; here each node keeps one for the objects it homes, sized by its own pages, so the
 * total size is the kernel's while conflicts between objects of different nodes are not modelled.
 */
final class VmPageHash {
  /** Bytes of one kernel entry: a vm_page pointer (direct) or {page, ticks, unused} (set4). */
  static final int DIRECT_ENTRY_BYTES = 8;
  static final int SET4_ENTRY_BYTES = 16;
  private static final int MAX_SET4 = 1 << 20;

  private final PageHash mode;
  private final int size;
  private final int[] pfn;
  /** set4 only: the ticks of each entry's last enter or hit. */
  private final int[] ticks;

  VmPageHash(PageHash mode, int npages) {
    this.mode = mode;
    if (mode == PageHash.DIRECT) {
      size = npages;
      ticks = null;
    } else {
      int n = 4096;
      while (n < npages / 16 && n < MAX_SET4) {
        n <<= 1;
      }
      size = n;
      ticks = new int[n];
    }
    pfn = new int[size];
    java.util.Arrays.fill(pfn, -1);
  }

  /** Entries in the table. */
  int entries() {
    return size;
  }

  /** The kernel's bytes for this table. */
  long kernelBytes() {
    return (long) size * (mode == PageHash.DIRECT ? DIRECT_ENTRY_BYTES : SET4_ENTRY_BYTES);
  }

  /**
   * vm_page_hash_get(): returns {@code resident} (the object's page at {@code pindex}, -1 if none)
   * when a way of the set holds it, else -1.
   */
  int get(long objectAddr, int pgColor, int pindex, int resident, int now) {
    if (resident < 0) {
      return -1;
    }
    if (mode == PageHash.DIRECT) {
      return pfn[direct(objectAddr, pindex)] == resident ? resident : -1;
    }
    int set = set4(objectAddr, pgColor, pindex);
    for (int i = 0; i < 4; i++) {
      if (pfn[set + i] == resident) {
        ticks[set + i] = now;
        return resident;
      }
    }
    return -1;
  }

  /** vm_page_hash_enter() of page {@code page} at {@code pindex} of an object. */
  void enter(long objectAddr, int pgColor, int pindex, int page, int now) {
    if (mode == PageHash.DIRECT) {
      pfn[direct(objectAddr, pindex)] = page;
      return;
    }
    int set = set4(objectAddr, pgColor, pindex);
    int best = set;
    for (int i = 0; i < 4; i++) {
      int e = set + i;
      if (pfn[e] == page) {
        ticks[e] = now;
        return;
      }
      if (now - ticks[best] < now - ticks[e] || now - ticks[e] < 0) {
        best = e;
      }
    }
    pfn[best] = page;
    ticks[best] = now;
  }

  private int direct(long objectAddr, int pindex) {
    return (int) ((Long.remainderUnsigned(objectAddr, size) + pindex) % size);
  }

  private int set4(long objectAddr, int pgColor, int pindex) {
    long hi = (((long) pgColor << 8) ^ objectAddr) + ((long) pindex << 2);
    return (int) (hi & (size - 1)) & ~3;
  }
}
