package dfsim.memory;

import dfsim.core.config.VmPageSettings;
import dfsim.core.config.VmPageSettings.PageHash;

/**
 * vm_page_hash[] (sys/vm/vm_page.c): a lockless cache from (object, pindex) to the resident page,
 * filled by object-locked lookups (vm_page_lookup()) and read by vm_fault_quick()
 * (sys/vm/vm_fault.c), which maps a hit without taking the object's lock. {@code kernel.vm-page.hash}
 * chooses its layout ({@link Direct} before e3c330f0, {@link SetAssociative4} from it); without
 * {@code kernel.vm-fault.quick} nobody reads it and it is {@link Unused}.
 *
 * <p>Pages are kept as page frame numbers in int arrays (no object per entry). A hit is checked
 * against the object's resident page as vm_page_hash_get() re-checks {@code m->object} and
 * {@code m->pindex}, so a stale slot of a freed or reused page misses. The kernel keeps one table
 * for the box; here each node keeps one for the objects it homes, sized by its own pages, so the
 * total size is the kernel's while conflicts between objects of different nodes are not modelled.
 * See docs/model/vm-page-hash.md.
 */
sealed interface VmPageHash {

  /** Returns the table vm_fault_quick() reads on a node of {@code npages} pages, if it does. */
  static VmPageHash of(VmPageSettings vm, int npages) {
    return vm.faultQuick() ? of(vm.hash(), npages) : new Unused();
  }

  /** Returns a table of layout {@code mode} for a node of {@code npages} pages. */
  static VmPageHash of(PageHash mode, int npages) {
    return mode == PageHash.DIRECT ? new Direct(npages) : new SetAssociative4(npages);
  }

  /** Entries in the table. */
  int entries();

  /** The kernel's bytes for one entry. */
  int entryBytes();

  /** The kernel's bytes for this table. */
  default long kernelBytes() {
    return (long) entries() * entryBytes();
  }

  /**
   * vm_page_hash_get(): returns {@code resident} (the object's page at {@code pindex}, -1 if none)
   * when a way of the set holds it, else -1.
   */
  int get(long objectAddr, int pgColor, int pindex, int resident, int now);

  /** vm_page_hash_enter() of page {@code page} at {@code pindex} of an object. */
  void enter(long objectAddr, int pgColor, int pindex, int page, int now);

  /** No vm_fault_quick(): no table to fill. */
  record Unused() implements VmPageHash {
    @Override
    public int entries() {
      return 0;
    }

    @Override
    public int entryBytes() {
      return 0;
    }

    @Override
    public int get(long objectAddr, int pgColor, int pindex, int resident, int now) {
      throw new IllegalStateException("vm_page_hash is not in use (kernel.vm-fault.quick = off)");
    }

    @Override
    public void enter(long objectAddr, int pgColor, int pindex, int page, int now) {}
  }

  /** A table of page frame numbers, -1 where empty. */
  abstract sealed class Table implements VmPageHash permits Direct, SetAssociative4 {
    final int[] pfn;

    Table(int entries) {
      pfn = new int[entries];
      java.util.Arrays.fill(pfn, -1);
    }

    @Override
    public int entries() {
      return pfn.length;
    }
  }

  /**
   * Before e3c330f0: one slot per physical page, a vm_page pointer each, index
   * {@code (object % size + pindex) % size}; the last writer wins.
   */
  final class Direct extends Table {
    Direct(int npages) {
      super(npages);
    }

    /** A vm_page pointer. */
    @Override
    public int entryBytes() {
      return 8;
    }

    @Override
    public int get(long objectAddr, int pgColor, int pindex, int resident, int now) {
      return resident >= 0 && pfn[slot(objectAddr, pindex)] == resident ? resident : -1;
    }

    @Override
    public void enter(long objectAddr, int pgColor, int pindex, int page, int now) {
      pfn[slot(objectAddr, pindex)] = page;
    }

    private int slot(long objectAddr, int pindex) {
      return (int) ((Long.remainderUnsigned(objectAddr, pfn.length) + pindex) % pfn.length);
    }
  }

  /**
   * From e3c330f0: {@code {page, ticks}} entries of 16 bytes, the size a power of two, at least
   * 4096 and doubled while below {@code npages / 16}, at most 1M; index
   * {@code ((pg_color << 8) ^ object) + (pindex << 2)} masked to a 4-way set; a hit refreshes its
   * ticks, an entry replaces the oldest way by ticks (a stamp from the future counts as oldest;
   * ties keep the lower way).
   */
  final class SetAssociative4 extends Table {
    private static final int MAX_ENTRIES = 1 << 20;
    /** The ticks of each entry's last enter or hit. */
    private final int[] ticks;

    SetAssociative4(int npages) {
      super(size(npages));
      ticks = new int[pfn.length];
    }

    private static int size(int npages) {
      int n = 4096;
      while (n < npages / 16 && n < MAX_ENTRIES) {
        n <<= 1;
      }
      return n;
    }

    /** {page, ticks, unused}. */
    @Override
    public int entryBytes() {
      return 16;
    }

    @Override
    public int get(long objectAddr, int pgColor, int pindex, int resident, int now) {
      if (resident < 0) {
        return -1;
      }
      int set = set(objectAddr, pgColor, pindex);
      for (int i = 0; i < 4; i++) {
        if (pfn[set + i] == resident) {
          ticks[set + i] = now;
          return resident;
        }
      }
      return -1;
    }

    @Override
    public void enter(long objectAddr, int pgColor, int pindex, int page, int now) {
      int set = set(objectAddr, pgColor, pindex);
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

    private int set(long objectAddr, int pgColor, int pindex) {
      long hi = (((long) pgColor << 8) ^ objectAddr) + ((long) pindex << 2);
      return (int) (hi & (pfn.length - 1)) & ~3;
    }
  }
}
