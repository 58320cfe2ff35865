package dfsim.core.config;

/**
 * {@code kernel.lwkt.*}: the LWKT scheduler's behaviour on a token-contended head and the token
 * spin (docs/model/lwkt-thread.md, lwkt-token.md; sys/kern/lwkt_thread.c, sys/kern/lwkt_token.c at 85946b6c).
 */
public record LwktSettings(Scheduler scheduler, int tokenSpin, long tokenDelayNs) {

  /** {@code kernel.lwkt.scheduler}. */
  public enum Scheduler {
    /** Before 85946b6c: fairq_bypass = 1, a contended head sends lwkt_switch() to skip at once. */
    FAIRQ,
    /** From 85946b6c: scan down gd_tdrunq, never past the first thread below priority 9. */
    STRICT_RR
  }

  /** TDPRI_KERN_LPSCHED: the strict-rr scan never runs a thread below this ahead of the head. */
  public static final int TDPRI_KERN_LPSCHED = 9;

  /** Reads {@code kernel.lwkt.*}. */
  public static LwktSettings from(Settings s) {
    return new LwktSettings(
        s.choice("kernel.lwkt.scheduler", Scheduler.class),
        s.intIn("kernel.lwkt.token-spin", 0, 1_000_000),
        s.durationNs("kernel.lwkt.token-delay", 0, 1_000_000_000L));
  }
}
