package dfsim.scheduler;

import dfsim.core.config.Costs;
import dfsim.core.kernel.LwktTokenState;
import dfsim.core.kernel.TokenTries;
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
import java.util.HashMap;
import java.util.Map;

/**
 * The pool tokens homed on one socket (pool token i lives on socket i mod sockets): exclusive
 * tokens taken by compare-and-swap (sys/kern/lwkt_token.c at 85946b6c), each an
 * {@link LwktTokenState} like every LWKT token.
 *
 * <p>A get whose first read fails is told so at once, so its CPU spins from then on, and makes
 * {@code spin} more tries ({@link TokenTries#getThenSwitch}); if none finds the token free the
 * thread gives up ({@link TokenFailed}) and lwkt_switch() runs something else, or polls the token
 * in its skip loop ({@link TokenPoll}, {@link TokenTries#poll}). lwkt_reltoken() tells nobody:
 * the reader whose next read finds the token free first takes it then. See
 * docs/model/lwkt-token.md.
 */
public final class LwktTokenManagerLp implements LogicalProcess {
  private final int socket;
  private final LpLayout layout;
  private final Costs cost;
  private final Map<Integer, PoolToken> tokens = new HashMap<>();
  private final ContentionStats stats = new ContentionStats();

  /** A get's give-up time, checked when it comes. */
  public record SpinExpire(int token, long seq) implements SimMessage {}

  /** A reader's read of a token, void if the token changed hands before it. */
  public record PoolRead(int token, LwktTokenState.NextRead read) implements SimMessage {}

  /** What a reader waits for: thread {@code tid}'s get (or switch try), or a skip-loop poll. */
  private record Want(int tid, long request, boolean poller) {}

  /** A pool token and the thread and request that hold it. */
  private static final class PoolToken {
    final LwktTokenState<Want> token;
    int ownerTid = -1;
    long ownerRequest = -1;

    PoolToken(LwktTokenState<Want> token) {
      this.token = token;
    }
  }

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
    } else if (m instanceof PoolRead r) {
      onRead(r, ctx);
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

  private PoolToken state(int token) {
    return tokens.computeIfAbsent(token, k -> new PoolToken(new LwktTokenState<>(layout.topology())));
  }

  /** The wait after a failed try: token-delay ns, or one cpu_pause when it is 0. */
  private long tryWait(long waitNs) {
    return waitNs > 0 ? waitNs : cost.cpuPauseNs();
  }

  private void onTry(TokenTry t, LpContext ctx) {
    PoolToken st = state(t.token());
    if (!st.token.held()) {
      grant(t.token(), st, t.cpu(), new Want(t.tid(), t.request(), false), 1, false, ctx);
      return;
    }
    if (st.token.exclusiveHolder() == t.cpu() && st.ownerTid == t.tid()) {
      throw new IllegalStateException("thread " + t.tid() + " asked again for token " + t.token() + " it holds");
    }
    int lp = layout.cpuLp(t.cpu());
    ctx.send(lp, ctx.latencyTo(lp), new LockContended(LockClass.TOKEN, -1));
    TokenTries tries = TokenTries.getThenSwitch(ctx.now(), st.token.line.transferNs(t.cpu()), tryWait(t.waitNs()),
        t.spin());
    LwktTokenState.Reader<Want> r = st.token.spin(new Want(t.tid(), t.request(), false), t.cpu(), false, tries);
    ctx.schedule(tries.giveUpAt() - ctx.now(), new SpinExpire(t.token(), r.seq()));
  }

  /** Every try of a get failed: its thread gives up and lwkt_switch()es. */
  private void onExpire(SpinExpire e, LpContext ctx) {
    PoolToken st = state(e.token());
    LwktTokenState.Reader<Want> r = st.token.remove(e.seq());
    if (r != null) {
      int lp = layout.cpuLp(r.cpu());
      int tries = 1 + r.tries().spin();
      ctx.send(lp, ctx.latencyTo(lp), new TokenFailed(e.token(), r.request().tid(), tries, r.request().request()));
    }
  }

  private void onPoll(TokenPoll p, LpContext ctx) {
    PoolToken st = state(p.token());
    if (!st.token.held()) {
      grant(p.token(), st, p.cpu(), new Want(p.tid(), p.request(), true), -1, true, ctx);
      return;
    }
    st.token.spin(new Want(p.tid(), p.request(), true), p.cpu(), false, TokenTries.poll(ctx.now(),
        st.token.line.transferNs(p.cpu()), tryWait(p.waitNs()), p.spin(), cost.cpuPauseNs()));
  }

  /**
   * A CPU stops polling. If its poll already won (the grant is on its way), the CPU will not use
   * the token: the cancel releases it here, before any later request of that CPU is seen.
   */
  private void onCancel(TokenPollCancel c, LpContext ctx) {
    PoolToken st = state(c.token());
    boolean waiting = st.token.removeReaders(
        r -> r.request().poller() && r.cpu() == c.cpu() && r.request().request() == c.request());
    if (waiting) {
      // The withdrawn poll may have had the next read of a free token.
      readNext(c.token(), st, ctx);
    } else if (st.token.exclusiveHolder() == c.cpu() && st.ownerRequest == c.request()) {
      release(c.token(), st, c.cpu(), ctx);
    }
  }

  private void onRelease(TokenRelease r, LpContext ctx) {
    PoolToken st = state(r.token());
    if (st.token.exclusiveHolder() != r.cpu() || st.ownerTid != r.tid()) {
      throw new IllegalStateException("CPU " + r.cpu() + " thread " + r.tid() + " released token "
          + r.token() + " owned by CPU " + st.token.exclusiveHolder() + " thread " + st.ownerTid);
    }
    release(r.token(), st, r.cpu(), ctx);
  }

  private void release(int token, PoolToken st, int fromCpu, LpContext ctx) {
    stats.holdNs += Math.max(0, st.token.release(fromCpu, false, ctx.now()));
    st.ownerTid = -1;
    st.ownerRequest = -1;
    readNext(token, st, ctx);
  }

  /** The token's state changed: schedule the read of the reader that finds it free first. */
  private void readNext(int token, PoolToken st, LpContext ctx) {
    LwktTokenState.NextRead next = st.token.nextRead(ctx.now(), r -> false);
    if (next != null) {
      ctx.schedule(next.at() - ctx.now(), new PoolRead(token, next));
    }
  }

  /** A reader's read finds the token free: it takes it, unless the token changed hands since. */
  private void onRead(PoolRead e, LpContext ctx) {
    PoolToken st = state(e.token());
    LwktTokenState.Reader<Want> r = st.token.claim(e.read());
    if (r != null) {
      int tries = r.request().poller() ? -1 : r.tries().triesAt(ctx.now());
      grant(e.token(), st, r.cpu(), r.request(), tries, true, ctx);
    }
  }

  /** The token is {@code cpu}'s from now; the grant reaches it after the line moves. */
  private void grant(int token, PoolToken st, int cpu, Want want, int tries, boolean waited, LpContext ctx) {
    long now = ctx.now();
    long arrived = st.token.take(cpu, false, now);
    stats.acquires++;
    if (waited) {
      // Counted at the grant: a get still waiting at the end of the run is no acquisition.
      stats.contended++;
    }
    if (st.token.line.lastTransferNs() > 0) {
      stats.transfers++;
    }
    st.ownerTid = want.tid();
    st.ownerRequest = want.request();
    // Reads scheduled for the free token are void now.
    readNext(token, st, ctx);
    int lp = layout.cpuLp(cpu);
    ctx.send(lp, (arrived - now) + ctx.latencyTo(lp), new TokenGranted(token, want.tid(), tries, want.request()));
  }
}
