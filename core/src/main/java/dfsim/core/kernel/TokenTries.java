package dfsim.core.kernel;

/**
 * When a CPU that failed to get an LWKT token reads it again (sys/kern/lwkt_token.c). A read
 * costs the token's cache-line transfer {@code x}; between tries the CPU waits {@code w}
 * ({@code lwkt.token_delay}, or one cpu_pause when that is 0). Nobody queues: whoever reads the
 * token free first takes it. Three shapes, one per place the kernel reads a token again:
 * <ul>
 *   <li>{@link #getThenSwitch}: lwkt_gettoken() at 85946b6c, _lwkt_trytokref2()'s failed read and
 *       then _lwkt_trytoken_spin()'s {@code spin} tries, each a read followed by a wait; then the
 *       thread gives up and lwkt_switch()es;
 *   <li>{@link #getThenPoll}: _lwkt_trytokref_spin() at 501747bf, {@code spin} tries each after a
 *       wait, then, the thread having lwkt_switch()ed with nothing else to run, the passes of
 *       lwkt_switch()'s skip loop, each the same tries again and a cpu_pause;
 *   <li>{@link #poll}: the skip loop's passes alone, for a CPU that starts polling a token.
 * </ul>
 */
public final class TokenTries {
  private final long since;
  private final long first;
  private final long period;
  private final int spin;
  private final long pass;
  private final long giveUpAt;

  private TokenTries(long since, long first, long period, int spin, long pass, long giveUpAt) {
    this.since = since;
    this.first = Math.max(1, first);
    this.period = Math.max(1, period);
    this.spin = spin;
    this.pass = pass;
    this.giveUpAt = giveUpAt;
  }

  /**
   * lwkt_gettoken() at 85946b6c after its first read failed at {@code since}: try j (1..spin)
   * reads at {@code since + j*x + (j-1)*w}; after the last try's wait the thread gives up.
   */
  public static TokenTries getThenSwitch(long since, long transferNs, long waitNs, int spin) {
    long giveUp = since + (1L + spin) * transferNs + (long) spin * waitNs;
    return new TokenTries(since, transferNs, transferNs + waitNs, spin, 0, Math.max(since + 1, giveUp));
  }

  /**
   * _lwkt_trytokref_spin() at 501747bf after its first try failed at {@code since}: try j
   * (1..spin) reads at {@code since + j*(x+w)}, then a skip-loop pass every
   * {@code (1+spin)*x + spin*w + cpu_pause}, for as long as it takes.
   */
  public static TokenTries getThenPoll(long since, long transferNs, long waitNs, int spin, long pauseNs) {
    return new TokenTries(since, transferNs + waitNs, transferNs + waitNs, spin,
        skipLoopPass(transferNs, waitNs, spin, pauseNs), Long.MAX_VALUE);
  }

  /** The skip loop polling from {@code since} (whose read found the token held): a read each pass. */
  public static TokenTries poll(long since, long transferNs, long waitNs, int spin, long pauseNs) {
    return new TokenTries(since, 0, 0, 0, skipLoopPass(transferNs, waitNs, spin, pauseNs), Long.MAX_VALUE);
  }

  private static long skipLoopPass(long transferNs, long waitNs, int spin, long pauseNs) {
    return Math.max(1, (1L + spin) * transferNs + (long) spin * waitNs + pauseNs);
  }

  /** Returns the number of tries after the failed first one before the passes (or the give-up). */
  public int spin() {
    return spin;
  }

  /** Returns when the thread gives up and switches away, or Long.MAX_VALUE if it never does. */
  public long giveUpAt() {
    return giveUpAt;
  }

  /**
   * Returns the first read at or after {@code t}, later than the failed first one, or
   * Long.MAX_VALUE if the thread gives up first.
   */
  public long readAtOrAfter(long t) {
    long j = spinTry(t);
    if (j > 0) {
      return spinRead(j);
    }
    if (pass == 0) {
      return Long.MAX_VALUE;
    }
    long lastSpin = spin == 0 ? since : spinRead(spin);
    long k = Math.max(1, ceilDiv(t - lastSpin, pass));
    return lastSpin + k * pass;
  }

  /**
   * Returns how many tries a get has made when its read at {@code at} (one of
   * {@link #readAtOrAfter}'s) succeeds, counting the failed first one; 0 for a skip-loop pass.
   */
  public int triesAt(long at) {
    long j = spinTry(at);
    return j > 0 && spinRead(j) == at ? (int) j + 1 : 0;
  }

  /** Returns the spin try (1..spin) whose read is the first at or after {@code t}, or 0. */
  private long spinTry(long t) {
    if (spin == 0 || t > spinRead(spin)) {
      return 0;
    }
    return t <= since + first ? 1 : 1 + ceilDiv(t - since - first, period);
  }

  private long spinRead(long j) {
    return since + first + (j - 1) * period;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
