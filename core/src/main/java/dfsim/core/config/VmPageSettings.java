package dfsim.core.config;

/**
 * {@code kernel.page-color} and {@code kernel.vm-page.*}: how vm_page_alloc() picks a free-page
 * colour (85946b6c) and searches the colour queues on a miss (e3c330f0); MODEL.md §3, §9.
 */
public record VmPageSettings(PageColor pageColor, int pqL2Size, boolean lastq, boolean rescan) {

  /** {@code kernel.page-color}. */
  public enum PageColor {
    /** Before 85946b6c: colour = object colour + pindex, unrelated to the allocating CPU. */
    OBJECT,
    /** From 85946b6c: the colour encodes the allocating CPU's (socket, core, thread). */
    CPU_LOCAL
  }

  /** On/off switches. */
  public enum Switch { OFF, ON }

  public static VmPageSettings from(Settings s) {
    int l2 = s.intIn("kernel.vm-page.pq-l2-size", 16, 4096);
    if (Integer.bitCount(l2) != 1) {
      throw Settings.bad("kernel.vm-page.pq-l2-size", String.valueOf(l2), "a power of two in [16, 4096]");
    }
    return new VmPageSettings(
        s.choice("kernel.page-color", PageColor.class), l2,
        s.choice("kernel.vm-page.lastq", Switch.class) == Switch.ON,
        s.choice("kernel.vm-page.rescan", Switch.class) == Switch.ON);
  }
}
