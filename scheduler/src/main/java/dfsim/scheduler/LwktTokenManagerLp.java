package dfsim.scheduler;

import dfsim.core.config.Costs;
import dfsim.core.metrics.ContentionStats;
import dfsim.core.metrics.LockClass;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.protocol.LockContended;
import dfsim.core.protocol.TokenFailed;
import dfsim.core.protocol.TokenGranted;
import dfsim.core.protocol.TokenPoll;
import dfsim.core.protocol.TokenPollCancel;
import dfsim.core.protocol.TokenRelease;
import dfsim.core.protocol.TokenTry;
import dfsim.core.sim.LogicalProcess;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimMessage;
import dfsim.core.topology.LpLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pool tokens homed on one socket (pool token i lives on socket i mod sockets): each is an
 * owner reference taken by compare-and-swap (sys/kern/lwkt_token.c at 85946b6c).
 *
 * <p>Times here are the token's own: a try "reads" the token at its home. A get is one read
 * (+CAS) and then {@code spin} read-then-CAS tries, each followed by a wait (cpu_pause, or
 * token-delay ns): try j reads at {@code arrival + j*x + max(0, j-1)*w}, where x is the cache line's
 * transfer from the token's last owner and w the wait; every try failing, the thread gives up at
 * {@code arrival + (1+spin)*x + spin*w} (_lwkt_trytokref2, _lwkt_trytoken_spin). The first failed
 * read is reported at once, so the CPU spins from then on. lwkt_reltoken() tells nobody: spinners
 * and CPUs polling in lwkt_switch()'s skip loop find the token free at their next read, and the
 * earliest such read wins it. See docs/model/lwkt-token.md.
 */
public final class LwktTokenManagerLp implements LogicalProcess {
  private final int socket;
  private final LpLayout layout;
  private final Costs cost;
  private final Map<Integer, TokenState> tokens = new HashMap<>();
  private final ContentionStats stats = new ContentionStats();

  /** A spinner's give-up time, checked when it comes. */
  public record SpinExpire(int token, int cpu, int tid, long seq) implements SimMessage {}

  /** A CPU trying or polling the token for one thread. */
  private static final class Waiter {
    final int cpu;
    final int tid;
    final long since;
    final long transferNs;
    final long waitNs;
    final int spin;
    final boolean poller;
    final long seq;
    final long request;

    Waiter(int cpu, int tid, long since, long transferNs, long waitNs, int spin, boolean poller, long seq,
        long request) {
      this.request = request;
      this.cpu = cpu;
      this.tid = tid;
      this.since = since;
      this.transferNs = transferNs;
      this.waitNs = waitNs;
      this.spin = spin;
      this.poller = poller;
      this.seq = seq;
    }

    /** Returns when read j starts: reads cost x each and all but the first follow a wait w. */
    long readAt(int j) {
      return since + j * transferNs + Math.max(0, j - 1) * waitNs;
    }

    /** Returns the index of the first read at or after {@code t}, or -1 past the last. */
    long firstReadAtOrAfter(long t) {
      if (poller) {
        // A poller's pass: its (1 + spin) reads and spin waits, then one cpu_pause, forever.
        return Math.max(0, ceilDiv(t - since, transferNs + waitNs));
      }
      for (int j = 0; j <= spin; j++) {
        if (readAt(j) >= t) {
          return j;
        }
      }
      return -1;
    }

    long pollReadAt(long j) {
      return since + j * (transferNs + waitNs);
    }
  }

  private static final class TokenState {
    int ownerCpu = -1;
    int ownerTid = -1;
    long ownerRequest = -1;
    int lastCpu = -1;
    long grantedAt;
    final List<Waiter> waiters = new ArrayList<>();
  }

  private long seq;

  public LwktTokenManagerLp(int socket, LpLayout layout, Costs cost) {
    this.socket = socket;
    this.layout = layout;
    this.cost = cost;
  }

  @Override
  public int id() {
    return layout.tokenManagerLp(socket);
  }

  @Override
  public void start(LpContext ctx) {}

  @Override
  public void handle(SimMessage m, int sourceLp, LpContext ctx) {
    if (m instanceof TokenTry t) {
      onTry(t, ctx);
    } else if (m instanceof TokenRelease r) {
      onRelease(r, ctx);
    } else if (m instanceof SpinExpire e) {
      onExpire(e, ctx);
    } else if (m instanceof TokenPoll p) {
      onPoll(p, ctx);
    } else if (m instanceof TokenPollCancel c) {
      onCancel(c, ctx);
    } else {
      throw new IllegalStateException("token manager of socket " + socket + " cannot handle " + m);
    }
  }

  @Override
  public void finish(long endTime, RunMetrics metrics) {
    metrics.contention(LockClass.TOKEN).add(stats);
  }

  private TokenState state(int token) {
    return tokens.computeIfAbsent(token, k -> new TokenState());
  }

  private long transfer(TokenState st, int cpu) {
    return st.lastCpu < 0 ? 0 : layout.topology().transferNs(st.lastCpu, cpu);
  }

  /** The wait after a failed try: token-delay ns, or one cpu_pause when it is 0. */
  private long tryWait(long waitNs) {
    return waitNs > 0 ? waitNs : cost.cpuPauseNs();
  }

  private void onTry(TokenTry t, LpContext ctx) {
    TokenState st = state(t.token());
    if (st.ownerCpu < 0) {
      grant(t.token(), st, t.cpu(), t.tid(), t.request(), ctx.now(), 1, transfer(st, t.cpu()), false, ctx);
      return;
    }
    if (st.ownerCpu == t.cpu() && st.ownerTid == t.tid()) {
      throw new IllegalStateException("thread " + t.tid() + " asked again for token " + t.token() + " it holds");
    }
    int lp = layout.cpuLp(t.cpu());
    ctx.send(lp, ctx.latencyTo(lp), new LockContended(LockClass.TOKEN, -1));
    long x = transfer(st, t.cpu());
    Waiter w = new Waiter(t.cpu(), t.tid(), ctx.now(), x, tryWait(t.waitNs()), t.spin(), false, seq++, t.request());
    st.waiters.add(w);
    long giveUp = w.readAt(t.spin()) + x + (t.spin() > 0 ? w.waitNs : 0) - ctx.now();
    ctx.schedule(giveUp, new SpinExpire(t.token(), t.cpu(), t.tid(), w.seq));
  }

  private void onExpire(SpinExpire e, LpContext ctx) {
    TokenState st = state(e.token());
    for (Waiter w : st.waiters) {
      if (w.seq == e.seq()) {
        st.waiters.remove(w);
        int lp = layout.cpuLp(e.cpu());
        ctx.send(lp, ctx.latencyTo(lp), new TokenFailed(e.token(), e.tid(), 1 + w.spin, w.request));
        return;
      }
    }
  }

  private void onPoll(TokenPoll p, LpContext ctx) {
    TokenState st = state(p.token());
    if (st.ownerCpu < 0) {
      grant(p.token(), st, p.cpu(), p.tid(), p.request(), ctx.now(), 1, transfer(st, p.cpu()), true, ctx);
      return;
    }
    long x = transfer(st, p.cpu());
    // One pass of the skip loop: the get's reads and waits, then a cpu_pause.
    long pass = (1 + p.spin()) * x + p.spin() * tryWait(p.waitNs()) + cost.cpuPauseNs();
    st.waiters.add(new Waiter(p.cpu(), p.tid(), ctx.now(), Math.max(1, pass), 0, p.spin(), true, seq++, p.request()));
  }

  /**
   * A CPU stops polling. If its poll already won (the grant is on its way), the CPU will not use
   * the token: the cancel releases it here, before any later request of that CPU is seen.
   */
  private void onCancel(TokenPollCancel c, LpContext ctx) {
    TokenState st = state(c.token());
    boolean waiting = st.waiters.removeIf(w -> w.poller && w.cpu == c.cpu() && w.request == c.request());
    if (!waiting && st.ownerCpu == c.cpu() && st.ownerRequest == c.request()) {
      release(c.token(), st, c.cpu(), ctx);
    }
  }

  private void onRelease(TokenRelease r, LpContext ctx) {
    TokenState st = state(r.token());
    if (st.ownerCpu != r.cpu() || st.ownerTid != r.tid()) {
      throw new IllegalStateException("CPU " + r.cpu() + " thread " + r.tid() + " released token "
          + r.token() + " owned by CPU " + st.ownerCpu + " thread " + st.ownerTid);
    }
    release(r.token(), st, r.cpu(), ctx);
  }

  private void release(int token, TokenState st, int fromCpu, LpContext ctx) {
    long now = ctx.now();
    stats.holdNs += Math.max(0, now - st.grantedAt);
    st.ownerCpu = -1;
    st.ownerTid = -1;
    st.ownerRequest = -1;
    // The waiter whose next read comes first wins; ties go to the earliest arrival.
    Waiter best = null;
    long bestAt = Long.MAX_VALUE;
    long bestTry = 0;
    for (Waiter w : st.waiters) {
      long j = w.firstReadAtOrAfter(now);
      if (j < 0) {
        continue;
      }
      long at = w.poller ? w.pollReadAt(j) : w.readAt((int) j);
      if (at < bestAt) {
        best = w;
        bestAt = at;
        bestTry = j;
      }
    }
    if (best != null) {
      st.waiters.remove(best);
      // The winner's read pulls the line from the releasing CPU.
      long x = layout.topology().transferNs(fromCpu, best.cpu);
      grant(token, st, best.cpu, best.tid, best.request, bestAt, best.poller ? -1 : (int) bestTry + 1, x, true, ctx);
    }
  }

  /** The token is {@code cpu}'s from {@code at}; the grant reaches it after the line moves. */
  private void grant(int token, TokenState st, int cpu, int tid, long request, long at, int tries, long transferNs,
      boolean waited, LpContext ctx) {
    stats.acquires++;
    if (waited) {
      // Counted at the grant: a get still waiting at the end of the run is no acquisition.
      stats.contended++;
    }
    if (st.lastCpu >= 0 && st.lastCpu != cpu) {
      stats.transfers++;
    }
    st.ownerCpu = cpu;
    st.ownerTid = tid;
    st.ownerRequest = request;
    st.lastCpu = cpu;
    st.grantedAt = at;
    int lp = layout.cpuLp(cpu);
    ctx.send(lp, (at - ctx.now()) + ctx.latencyTo(lp) + transferNs, new TokenGranted(token, tid, tries, request));
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
