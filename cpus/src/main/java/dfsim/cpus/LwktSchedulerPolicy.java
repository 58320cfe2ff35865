package dfsim.cpus;

import dfsim.core.config.LwktSettings;

/**
 * {@code kernel.lwkt.scheduler}: what lwkt_switch() does when the head of {@code gd_tdrunq} is
 * blocked on a token, and what the hardclock tick asks (sys/kern/lwkt_thread.c at 85946b6c and
 * its parent). See docs/model/lwkt-thread.md.
 */
sealed interface LwktSchedulerPolicy {

  static LwktSchedulerPolicy of(LwktSettings.Scheduler s) {
    return s == LwktSettings.Scheduler.FAIRQ ? new Fairq() : new StrictRoundRobin();
  }

  /** Whether lwkt_switch() tries {@code t}, a thread behind the head, when the head's tokens fail. */
  boolean triesBehindHead(SimThread t);

  /** The hardclock tick with {@code running} on the CPU: returns whether it asks a resched. */
  boolean tick(LwktRunQueue runq, SimThread running);

  /**
   * Before 85946b6c ({@code fairq_bypass = 1}): a token-blocked head sends lwkt_switch() straight
   * to its skip loop. hardclock() asks a resched on every tick, but its
   * lwkt_fairq_schedulerclock() does nothing with {@code fairq_enable = 0} (the default), so the
   * switch takes the same head again: no round robin among equal priorities. (The bsd4 user
   * scheduler's round robin of user processes is not modelled.)
   */
  record Fairq() implements LwktSchedulerPolicy {
    @Override
    public boolean triesBehindHead(SimThread t) {
      return false;
    }

    @Override
    public boolean tick(LwktRunQueue runq, SimThread running) {
      return true;
    }
  }

  /**
   * From 85946b6c: lwkt_switch() scans down {@code gd_tdrunq} past a token-blocked head, never
   * to a thread below TDPRI_KERN_LPSCHED; lwkt_schedulerclock() asks a resched only when the
   * round robin moved the head or the runner is not the head.
   */
  record StrictRoundRobin() implements LwktSchedulerPolicy {
    @Override
    public boolean triesBehindHead(SimThread t) {
      return t.priority() >= LwktSettings.TDPRI_KERN_LPSCHED;
    }

    /** lwkt_schedulerclock(): the running head moves behind its equals; a runner that is not the head is resched. */
    @Override
    public boolean tick(LwktRunQueue runq, SimThread running) {
      return runq.head() != running || runq.rotateHead();
    }
  }
}
