package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> the mutex page's home: a userland atomic on mutex word {@code mutex} of object
 * {@code object} (libthread_xu's umtx: cmpxchg 0 -> 1 to lock, xchg 2 to lock contested,
 * fetch-and-decrement to unlock, which stores 0 when the old value was not 1).
 */
public record UmtxUser(int cpu, int object, int mutex, Op op) implements SimMessage {

  /**
   * The userland operations on a mutex word; POKE is a store to the mutex page by another
   * process through procfs/ptrace (vm_fault_page() on a foreign map), leaving the word alone.
   */
  public enum Op { CMPXCHG_0_1, XCHG_2, DEC, POKE }
}
