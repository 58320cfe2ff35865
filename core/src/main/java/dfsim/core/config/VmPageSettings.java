package dfsim.core.config;

/**
 * {@code kernel.page-color}, {@code kernel.vm-page.*} and {@code kernel.vm-fault.quick}: how
 * vm_page_alloc() picks a free-page colour (85946b6c) and searches the colour queues on a miss
 * (e3c330f0), the vm_page_hash[] shortcut of resident-page lookups (e3c330f0), and whether the
 * free queues are per NUMA node (c7f9edd8, 2017) or one global set; docs/model/vm-page-alloc.md,
 * vm-page-hash.md.
 */
public record VmPageSettings(PageColor pageColor, int pqL2Size, boolean lastq, boolean rescan,
    PageHash hash, boolean faultQuick, boolean numa) {

  /** {@code kernel.page-color}. */
  public enum PageColor {
    /** Before 85946b6c: colour = object colour + pindex, unrelated to the allocating CPU. */
    OBJECT,
    /** From 85946b6c: the colour encodes the allocating CPU's (socket, core, thread). */
    CPU_LOCAL
  }

  /** {@code kernel.vm-page.hash}: the layout of vm_page_hash[]. */
  public enum PageHash {
    /** Before e3c330f0: one slot per physical page, direct-mapped. */
    DIRECT,
    /** From e3c330f0: 4-way sets of {page, ticks}, a power of two up to 1M entries. */
    SET4
  }

  /** On/off switches. */
  public enum Switch { OFF, ON }

  /**
   * Where a VM object's struct lives in kernel memory, the key both vm_page_hash layouts mix in:
   * objects come from kmalloc() one after another, ~256 bytes apart (sizeof(struct vm_object)
   * rounded to its kmalloc chunk), above the x86-64 direct map.
   */
  public static long objectAddress(int objectId) {
    return 0xfffff80000100000L + (long) objectId * 256;
  }

  /**
   * An object's pg_color: successive objects advance by PQ_L2_SIZE/3 + PQ_PRIME1, as
   * vm_object_allocate() spaced them before vm_quickcolor() (sys/vm/vm_object.c).
   */
  public int objectColour(int objectId) {
    // PQ_PRIME1 (sys/vm/vm_page.h): 13 with 64 colours, 31 with more.
    int prime1 = pqL2Size <= 64 ? 13 : 31;
    return objectId < 0 ? 0 : (int) ((long) objectId * (pqL2Size / 3 + prime1) % pqL2Size);
  }

  public static VmPageSettings from(Settings s) {
    int l2 = s.intIn("kernel.vm-page.pq-l2-size", 16, 4096);
    if (Integer.bitCount(l2) != 1) {
      throw Settings.bad("kernel.vm-page.pq-l2-size", String.valueOf(l2), "a power of two in [16, 4096]");
    }
    return new VmPageSettings(
        s.choice("kernel.page-color", PageColor.class), l2,
        s.on("kernel.vm-page.lastq"),
        s.on("kernel.vm-page.rescan"),
        s.choice("kernel.vm-page.hash", PageHash.class),
        s.on("kernel.vm-fault.quick"),
        s.on("kernel.vm-page.numa"));
  }
}
