package dfsim.core.kernel;

/**
 * When a CPU that failed to get an LWKT token reads it again (sys/kern/lwkt_token.c): the tries
 * of _lwkt_trytokref_spin(), {@code spin} more after the failed one, each after a wait
 * ({@code lwkt.token_delay}, or one cpu_pause); then, the thread having lwkt_switch()ed with
 * nothing else to run, the passes of lwkt_switch()'s skip loop, each the same tries again and a
 * cpu_pause. A read costs the token's cache-line transfer. Nobody queues: whoever reads the token
 * free first takes it.
 */
public final class TokenTries {
  private final long since;
  private final long period;
  private final int spin;
  private final long pass;

  /**
   * @param since when the first try (which failed) read the token
   * @param transferNs one read's move of the token's line
   * @param waitNs the wait between tries: token-delay, or cpu_pause when that is 0
   * @param spin lwkt.token_spin
   * @param pauseNs one cpu_pause, between the skip loop's passes
   */
  public TokenTries(long since, long transferNs, long waitNs, int spin, long pauseNs) {
    this.since = since;
    this.period = Math.max(1, transferNs + waitNs);
    this.spin = spin;
    this.pass = Math.max(1, (1L + spin) * transferNs + (long) spin * waitNs + pauseNs);
  }

  /** Returns the first read at or after {@code t}, later than the failed first one. */
  public long readAtOrAfter(long t) {
    long lastSpin = since + spin * period;
    if (t <= lastSpin) {
      long j = Math.max(1, ceilDiv(t - since, period));
      if (j <= spin) {
        return since + j * period;
      }
    }
    long k = Math.max(1, ceilDiv(t - lastSpin, pass));
    return lastSpin + k * pass;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
