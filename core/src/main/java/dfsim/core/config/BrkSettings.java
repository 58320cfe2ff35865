package dfsim.core.config;

/**
 * {@code kernel.brk}: how sys_obreak() moves a process's break (sys/vm/vm_unix.c, vm_map.c
 * vm_map_insert(), vm_map_delete(), _vm_map_clip_start(); vm_object.c vm_object_coalesce();
 * docs/model/programs.md). The break is counted in pages above where it starts (the end of the
 * image's bss); the pages above it belong to one map entry, the brk entry, which has a VM object
 * or not yet.
 */
public record BrkSettings(Mode mode) {

  /** {@code kernel.brk}. */
  public enum Mode {
    /**
     * Before 3091de50a4 (2016-12-16): a grow from the start coalesces into the object of the
     * image's bss entry, vm_object_coalesce() under that object's lock, and the new entry
     * references it (a process that has not forked since its exec: its bss entry is not
     * copy-on-write).
     */
    COALESCE,
    /**
     * 3091de50a4: brk entries are tagged VM_SUBSYS_BRK and never coalesce with the image's: a grow
     * from the start makes an entry with no object; the first shrink's clip gives it one.
     */
    OWN_ENTRY,
    /** 4b5665564e (2019-02-16): as OWN_ENTRY, but a shrink is refused (EOPNOTSUPP), the break stays. */
    GROW_ONLY;

    /** The break after brk() asks for {@code target} pages with the break at {@code old}. */
    public int newBreak(int old, int target) {
      return target < old && this == GROW_ONLY ? old : target;
    }

    /**
     * Whether the brk entry has a VM object once the break moved from {@code old} to {@code now}
     * ({@code had}: whether it had one before; the break never goes back to its start).
     */
    public boolean entryObjectAfter(int old, int now, boolean had) {
      if (now > old && old == 0) {
        return this == COALESCE;
      }
      // A shrink clips the entry, which allocates its object if it had none.
      return now < old || had;
    }
  }

  public static BrkSettings from(Settings s) {
    return new BrkSettings(s.choice("kernel.brk", Mode.class));
  }
}
