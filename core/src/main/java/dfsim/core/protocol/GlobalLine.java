package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> node 0's memory LP: one access of CPU {@code cpu} to a global kernel variable's line
 * (kernel data lives on node 0), an atomic or a lock held for {@code holdNs}.
 */
public record GlobalLine(int cpu, Global global, long holdNs) implements SimMessage {

  /** Which global. */
  public enum Global {
    /** The userland scheduler's curprocmask word (bsd4_curprocmask, dfly_curprocmask): an atomic. */
    CURPROCMASK,
    /**
     * usched_bsd4's bsd4_spin for bsd4_select_curproc(): held {@code holdNs} and a step per thread
     * of the global run queue that chooseproc_locked() walks past (other CPUs' threads queued
     * before this CPU's), taking this CPU's off.
     */
    BSD4_SPIN,
    /**
     * bsd4_spin for bsd4_setrunqueue(): the thread onto the global queue, ++bsd4_scancpu, whose
     * CPU the reply names when the thread may run nowhere else (its helper thread is IPIed).
     */
    BSD4_SETRUNQUEUE,
    /** usched_bsd4's bsd4_rdyprocmask: an atomic. */
    BSD4_RDYPROCMASK,
    /** The global kq_token knote() holds (sys/kern/kern_event.c until e2b148c60d). */
    KQ_TOKEN,
    /** lwkt_switch()'s ++switch_count (sys/kern/lwkt_thread.c until 4b2467b7fb): a store to a shared line. */
    SWITCH_COUNT,
    /** pipe_read()'s ++pipe_rblocked_count after a sleep (sys/kern/sys_pipe.c until 1dfdffca0e). */
    PIPE_RBLOCKED_COUNT
  }
}
