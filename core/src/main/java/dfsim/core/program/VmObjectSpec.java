package dfsim.core.program;

/**
 * A VM object a workload maps: its id, the memory node homing it (and its lock), its size, and
 * whether it is a file whose pages are resident in the page cache from boot (a vnode object:
 * faults find its pages, unmaps leave them; never OBJ_ONEMAPPING) rather than anonymous memory.
 */
public record VmObjectSpec(int id, int homeNode, int pages, boolean file) {

  /** Anonymous memory. */
  public VmObjectSpec(int id, int homeNode, int pages) {
    this(id, homeNode, pages, false);
  }
}
