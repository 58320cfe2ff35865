package dfsim.core.kernel;

import dfsim.core.topology.CacheLine;
import dfsim.core.topology.Topology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One LWKT token as its home sees it (struct lwkt_token, sys/kern/lwkt_token.c): who holds it,
 * its cache line, and the CPUs reading it again after a failed try. Pool tokens, VM object tokens
 * and map tokens are all this one thing; their homes differ only in what a grant carries.
 *
 * <p>The rules of _lwkt_trytokref() at 501747bf: an exclusive try succeeds when nobody holds the
 * token; a shared one when nobody holds it exclusively, whether or not exclusive requests spin
 * (shared acquirers ignore TOK_EXCLREQ: no writer preference). At 85946b6c every token is
 * exclusive, which is the same rule with no shared requests. There is no queue: a request whose
 * first try fails keeps reading the token as its {@link TokenTries} say, and whenever the token
 * changes hands the reader whose next read finds it free first (ties to the earlier arrival) takes
 * it at that read, while new tries keep succeeding in the meantime. So a stream of shared holders
 * can starve an exclusive acquirer. See docs/model/lwkt-token.md.
 *
 * @param <R> what a reader is waiting to be granted (its home's request message)
 */
public final class LwktTokenState<R> {
  /** A CPU reading the token again after a failed try. */
  public record Reader<R>(R request, int cpu, boolean shared, TokenTries tries, long seq) {}

  /** The read a home schedules: it takes the token if the token's state is still {@code gen}. */
  public record NextRead(long gen, long seq, long at) {}

  /** The token's cache line: every acquisition, shared ones too, is an atomic on it. */
  public final CacheLine line;
  private int exclusive = -1;
  private long exclusiveSince;
  /** Shared holders: CPU -> when it got the token (a CPU holds a token shared once at most). */
  private final Map<Integer, Long> shared = new HashMap<>();
  private final List<Reader<R>> readers = new ArrayList<>();
  private long gen;
  private long seq;

  public LwktTokenState(Topology topo) {
    this.line = new CacheLine(topo);
  }

  public boolean held() {
    return exclusive >= 0 || !shared.isEmpty();
  }

  /** Returns the CPU holding the token exclusively, or -1. */
  public int exclusiveHolder() {
    return exclusive;
  }

  /** Whether a try in this mode succeeds now. */
  public boolean grantable(boolean sharedTry) {
    return sharedTry ? exclusive < 0 : !held();
  }

  /**
   * {@code cpu} takes the token at {@code now}: its CAS waits for earlier atomics on the line and
   * then moves the line from its last owner. Returns when the line has arrived.
   */
  public long take(int cpu, boolean sharedTry, long now) {
    if (!grantable(sharedTry)) {
      throw new IllegalStateException("CPU " + cpu + " took a token held by " + holders());
    }
    long arrived = line.take(cpu, now);
    if (sharedTry) {
      shared.put(cpu, now);
    } else {
      exclusive = cpu;
      exclusiveSince = now;
    }
    return arrived;
  }

  /** {@code cpu} releases its hold at {@code now}; returns how long it held the token. */
  public long release(int cpu, boolean sharedHold, long now) {
    if (sharedHold) {
      Long since = shared.remove(cpu);
      if (since == null) {
        throw new IllegalStateException("CPU " + cpu + " released a shared hold it lacks; holders " + holders());
      }
      return now - since;
    }
    if (exclusive != cpu) {
      throw new IllegalStateException("CPU " + cpu + " released a token held by " + holders());
    }
    exclusive = -1;
    return now - exclusiveSince;
  }

  /** {@code request}'s first try failed: from now on it reads the token as {@code tries} say. */
  public Reader<R> spin(R request, int cpu, boolean sharedTry, TokenTries tries) {
    Reader<R> r = new Reader<>(request, cpu, sharedTry, tries, seq++);
    readers.add(r);
    return r;
  }

  public boolean hasReaders() {
    return !readers.isEmpty();
  }

  /** Removes the readers {@code leaves} picks (a reader that gave up or went to sleep). */
  public boolean removeReaders(Predicate<Reader<R>> leaves) {
    return readers.removeIf(leaves);
  }

  /**
   * The token's state changed at {@code now}: returns the reader whose next read finds it free
   * first, ties to the earlier arrival, or null. Readers for which {@code leaves} holds are
   * removed first; reads scheduled for an earlier state are void from here on.
   */
  public NextRead nextRead(long now, Predicate<Reader<R>> leaves) {
    gen++;
    NextRead best = null;
    for (Iterator<Reader<R>> it = readers.iterator(); it.hasNext(); ) {
      Reader<R> r = it.next();
      if (leaves.test(r)) {
        it.remove();
        continue;
      }
      if (!grantable(r.shared())) {
        continue;
      }
      long at = r.tries().readAtOrAfter(now);
      if (at != Long.MAX_VALUE && (best == null || at < best.at())) {
        best = new NextRead(gen, r.seq(), at);
      }
    }
    return best;
  }

  /** A scheduled read comes: returns its reader, removed, if the token is still in that state; else null. */
  public Reader<R> claim(NextRead read) {
    return read.gen() != gen ? null : remove(read.seq());
  }

  /** Removes and returns the reader numbered {@code seq}, or null if it is gone. */
  public Reader<R> remove(long readerSeq) {
    for (Iterator<Reader<R>> it = readers.iterator(); it.hasNext(); ) {
      Reader<R> r = it.next();
      if (r.seq() == readerSeq) {
        it.remove();
        return r;
      }
    }
    return null;
  }

  private String holders() {
    return exclusive >= 0 ? "CPU " + exclusive + " exclusively" : "CPUs " + shared.keySet() + " shared";
  }
}
