package dfsim.core.program;

/**
 * A VM object a workload maps: its id, the memory node homing it (and its lock), its size, and
 * its kind: anonymous memory; a file whose pages are resident in the page cache from boot (a
 * vnode object: faults find its pages, unmaps leave them; never OBJ_ONEMAPPING); or no memory
 * at all but a process's vm_map token ({@code map->token}), homed like an object.
 */
public record VmObjectSpec(int id, int homeNode, int pages, Kind kind) {

  /** What the object is. */
  public enum Kind { ANON, FILE, MAP }

  /** Ids from here on are objects CPUs create as they run (shadows, anonymous memory). */
  public static final int FIRST_DYNAMIC = 1 << 24;

  /** Anonymous memory, or a file. */
  public VmObjectSpec(int id, int homeNode, int pages, boolean file) {
    this(id, homeNode, pages, file ? Kind.FILE : Kind.ANON);
  }

  /** Anonymous memory. */
  public VmObjectSpec(int id, int homeNode, int pages) {
    this(id, homeNode, pages, Kind.ANON);
  }

  public boolean file() {
    return kind == Kind.FILE;
  }

  /**
   * The id of the {@code seq}-th object CPU {@code cpu} creates: unique and the same on every
   * engine. Its home is the creating CPU's node (kmalloc() takes local memory).
   */
  public static int dynamicId(int cpu, long seq, int cpus) {
    long id = FIRST_DYNAMIC + seq * cpus + cpu;
    if (id > Integer.MAX_VALUE) {
      throw new IllegalStateException("CPU " + cpu + " created more VM objects than ids allow");
    }
    return (int) id;
  }

  /** The CPU that created dynamic object {@code id}. */
  public static int creatorCpu(int id, int cpus) {
    return (id - FIRST_DYNAMIC) % cpus;
  }
}
