package dfsim.core.program;

/**
 * The mappings of a static ELF image after execve() (sys/kern/imgact_elf.c load_section(),
 * exec_new_vmspace()): the PT_LOAD segments mapped copy-on-write on the binary's vnode object,
 * then anonymous bss, heap and stack.
 */
public enum Segment {
  HEADER(true), TEXT(true), RODATA(true), DATA(true), BSS(false), HEAP(false), STACK(false);

  /** Every segment in order; {@code values()} clones its array on each call, and faults ask. */
  public static final java.util.List<Segment> ALL = java.util.List.of(values());

  private final boolean fileBacked;

  Segment(boolean fileBacked) {
    this.fileBacked = fileBacked;
  }

  /** Whether the segment is mapped on the vnode object (else anonymous memory). */
  public boolean fileBacked() {
    return fileBacked;
  }
}
