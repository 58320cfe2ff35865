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

  /** Whether the tick asks a resched, given whether the round robin of equals asked one. */
  boolean reschedAtTick(boolean roundRobinAsked);

  /**
   * Before 85946b6c ({@code fairq_bypass = 1}): a token-blocked head sends lwkt_switch() straight
   * to its skip loop, and hardclock asks a resched on every tick.
   */
  record Fairq() implements LwktSchedulerPolicy {
    @Override
    public boolean triesBehindHead(SimThread t) {
      return false;
    }

    @Override
    public boolean reschedAtTick(boolean roundRobinAsked) {
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

    @Override
    public boolean reschedAtTick(boolean roundRobinAsked) {
      return roundRobinAsked;
    }
  }
}
