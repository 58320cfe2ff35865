package dfsim.cpus;

import dfsim.core.protocol.GlobalLine;

/**
 * One step of a kernel path that fork, exec, exit, umtx calls and the ptrace store are made of,
 * run in order by {@link KStepRunner}: work, a token held for some work, a lockless reference
 * change, an object's termination, PTE removal or write-protection, a context switch, a fault,
 * a umtx sleep or wakeup, an access to the userland scheduler's global lines.
 */
sealed interface KStep {

  /** CPU work with no shared state. */
  record Work(long ns) implements KStep {}

  /** CPU work with no shared state, in kernel function {@code fn}. */
  record Call(String fn, long ns) implements KStep {}

  /** Take object {@code object}'s token, do {@code workNs} under it, release, changing ref_count by {@code refDelta}. */
  record Hold(int object, boolean shared, long workNs, int refDelta) implements KStep {}

  /**
   * Change ref_count by {@code delta} with an atomic and no lock; if the home refuses (a drop to 3
   * or fewer), take the token exclusively for {@code lockedWorkNs} instead.
   */
  record Ref(int object, int delta, long lockedWorkNs) implements KStep {}

  /** vm_object_terminate() of a private object: exclusive token, free its pages, drop the last ref. */
  record Terminate(int object) implements KStep {}

  /** pmap_remove() of {@code ptes} PTEs with one local TLB flush, freeing their pv entries. */
  record RemovePtes(int ptes) implements KStep {}

  /** pmap_protect() of {@code ptes} writable PTEs: a local invalidation under the interlock each. */
  record Protect(int ptes) implements KStep {}

  /** lwkt_switch() between parent and child on this CPU. */
  record Switch() implements KStep {}

  /**
   * Take {@code object}'s token and keep it for the steps that follow; {@code fn} names the call
   * for the profile ({@code vm_object_hold}, or {@code lwkt_gettoken} for a map's token).
   */
  record Acquire(int object, boolean shared, String fn) implements KStep {
    /** vm_object_hold() of {@code object}. */
    Acquire(int object, boolean shared) {
      this(object, shared, "vm_object_hold");
    }
  }

  /**
   * lwkt_gettoken() of process map token {@code map} for sys_obreak() to {@code pages} pages above
   * the break's start: the grant says where the break was (the map's work follows from it).
   */
  record Obreak(int map, int pages) implements KStep {}

  /** Release a token taken by {@link Acquire}. */
  record Release(int object, boolean shared) implements KStep {}

  /**
   * One atomic on {@code object}'s counter line, in kernel function {@code fn}: vm_page_hold() or
   * unhold() of its page, or for a process's map, its pmap's pm_active.
   */
  record Atomic(int object, String fn) implements KStep {
    /** vm_page_hold()/unhold() of {@code object}'s page. */
    Atomic(int object) {
      this(object, "vm_page_hold");
    }
  }

  /**
   * vm_page_activate(), or vm_page_dontneed()'s deactivation ({@code fn} names which), of a page
   * of {@code colour} on {@code node}: a move between the page queues of its colour under the
   * queue's spinlock.
   */
  record Activate(int node, int colour, String fn) implements KStep {}

  /**
   * The sleep of umtx_sleep() on mutex word {@code mutex} of {@code object}, expecting
   * {@code expected}: poll {@code pollNs}, then sleep at most {@code timeoutNs} (0: no timeout);
   * {@code byFault}: the word's page was resolved for writing (a COW if shared since a fork).
   */
  record UmtxSleep(int object, int mutex, int expected, long timeoutNs, long pollNs, boolean byFault)
      implements KStep {}

  /**
   * One access to a global kernel variable's line on node 0 ({@link GlobalLine.Global}): a lock
   * held {@code holdNs}, or an atomic or store of {@code holdNs}; {@code fn} names the call for the
   * profile.
   */
  record Global(GlobalLine.Global global, long holdNs, String fn) implements KStep {}

  /**
   * holdfp()'s take of the fd_spin of the process whose map is {@code map}: held {@code holdNs}
   * (exclusive), or an atomic of {@code holdNs} on its word (a shared take or drop).
   */
  record FdSpin(int map, long holdNs) implements KStep {}

  /** An IPI to CPU {@code cpu}'s usched_bsd4 helper thread (lwkt_send_ipiq()). */
  record HelperIpi(int cpu) implements KStep {}

  /** A store to {@code object}'s page by another process (procfs/ptrace): a COW if shared. */
  record Poke(int object) implements KStep {}

  /**
   * The wakeup of umtx_wakeup() on mutex word {@code mutex} of {@code object}; {@code byFault}: the
   * page was resolved for writing, and the call waits for the home's answer.
   */
  record UmtxWake(int object, int mutex, int count, boolean byFault) implements KStep {}

  /** The kinds of fault the fork-exec image takes (sys/vm/vm_fault.c). */
  enum FaultKind {
    /** A read of the vnode object's page through an entry still on it (a terminal object). */
    VNODE_READ,
    /** A write to a page of the vnode's shadow not yet copied: copy the vnode's page into it. */
    COW,
    /** A read through the shadow of a page it does not have: map the vnode's page. */
    SHADOW_READ,
    /** The first touch of anonymous memory: allocate a zeroed page in the object. */
    ZERO_FILL
  }

  /** A page fault on {@code first} at {@code pindex}; the vnode object's page at {@code backingPindex}. */
  record Fault(FaultKind kind, int first, int pindex, int backing, int backingPindex) implements KStep {}
}
