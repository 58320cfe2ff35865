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

  /** Ids from here to FIRST_DYNAMIC are processes' vm_map tokens, created where first used. */
  public static final int FIRST_MAP = 1 << 23;

  /** The most NUMA nodes a map token's id can name. */
  private static final int MAP_NODES = 1024;

  /** The most processes whose map tokens have ids (pids 0 to this less 1). */
  public static final int MAX_PROCESSES = (FIRST_DYNAMIC - FIRST_MAP) / MAP_NODES;

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

  /** The id of process {@code pid}'s vm_map token, homed on node {@code node}. */
  public static int mapId(int pid, int node) {
    long id = FIRST_MAP + (long) pid * MAP_NODES + node;
    if (node < 0 || node >= MAP_NODES || id >= FIRST_DYNAMIC) {
      throw new IllegalStateException("no map token id for process " + pid + " on node " + node);
    }
    return (int) id;
  }

  /** Returns whether {@code id} is a process's vm_map token made by {@link #mapId}. */
  public static boolean isMap(int id) {
    return id >= FIRST_MAP && id < FIRST_DYNAMIC;
  }

  /** The node homing map token {@code id}. */
  public static int mapHome(int id) {
    return (id - FIRST_MAP) % MAP_NODES;
  }

  /** The CPU that created dynamic object {@code id}. */
  public static int creatorCpu(int id, int cpus) {
    return (id - FIRST_DYNAMIC) % cpus;
  }
}
