package dfsim.cpus;

import dfsim.core.config.LwktSettings;
import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.CpuState;
import dfsim.core.metrics.LockClass;
import dfsim.core.protocol.TokenFailed;
import dfsim.core.protocol.TokenGranted;
import dfsim.core.protocol.TokenPoll;
import dfsim.core.protocol.TokenPollCancel;
import dfsim.core.protocol.TokenRelease;
import dfsim.core.protocol.TokenTry;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimulationFailure;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU side of LWKT pool tokens (sys/kern/lwkt_token.c at 85946b6c): lwkt_gettoken() by the
 * running thread, lwkt_reltoken(), the tries lwkt_switch() makes for a candidate's token
 * (lwkt_getalltokens()), and the polls of its skip loop. A try spins {@code kernel.lwkt.token-spin}
 * times at the token's home ({@code LwktTokenManagerLp}); the home answers with a grant or a
 * failure, matched here by request number. See docs/model/lwkt-token.md.
 */
final class LwktToken {
  /** What a token reply answers: a get by the running thread, or lwkt_switch()'s tries. */
  enum Phase { NONE, GET, SWITCH_TRY, POLL }

  private final Globaldata gd;
  private final LwktSettings lwkt;
  private Phase phase = Phase.NONE;
  /** The number of the last token request; replies to any other (a cancelled poll's) are stale. */
  private long request;
  /** The candidate a switch try is for. */
  private SimThread trying;
  /** Threads whose tokens the skip loop polls, and the request number of each poll. */
  private final List<SimThread> polled = new ArrayList<>();
  private final List<Long> polledRequests = new ArrayList<>();

  LwktToken(Globaldata gd, LwktSettings lwkt) {
    this.gd = gd;
    this.lwkt = lwkt;
  }

  Phase phase() {
    return phase;
  }

  /** lwkt_gettoken() by the running thread {@code t}. */
  void get(SimThread t, int token, LpContext ctx) {
    if (t.heldToken >= 0) {
      throw new SimulationFailure("thread " + t.spec.tid() + " asked for token " + token + " holding token "
          + t.heldToken + ": the model lets a thread hold one token at a time");
    }
    t.wantToken = token;
    phase = Phase.GET;
    gd.meter.enter(CpuState.BUSY, ctx.now());
    sendTry(t, ctx);
  }

  /** lwkt_reltoken() of {@code token}, which {@code t} must hold. */
  void rel(SimThread t, int token, LpContext ctx) {
    if (t.heldToken != token) {
      throw new SimulationFailure("thread " + t.spec.tid() + " released token " + token + " it does not hold");
    }
    release(t, ctx);
  }

  /** lwkt_switch() releases the outgoing thread's token; it must win it back before it runs again. */
  void releaseAtSwitch(SimThread out, LpContext ctx) {
    if (out != null && out.heldToken >= 0) {
      int token = out.heldToken;
      release(out, ctx);
      out.wantToken = token;
    }
  }

  /** lwkt_switch() tries candidate {@code c}'s token. */
  void trySwitch(SimThread c, LpContext ctx) {
    trying = c;
    phase = Phase.SWITCH_TRY;
    gd.meter.enter(CpuState.BUSY, ctx.now());
    sendTry(c, ctx);
  }

  /** The skip loop: poll every token-blocked candidate's token and spin until one wins. */
  void poll(List<SimThread> candidates, LpContext ctx) {
    phase = Phase.POLL;
    polled.clear();
    polledRequests.clear();
    for (SimThread c : candidates) {
      if (c.wantToken >= 0) {
        polled.add(c);
        polledRequests.add(++request);
        gd.send(gd.layout.tokenHomeLp(c.wantToken), 0,
            new TokenPoll(c.wantToken, gd.cpu, c.spec.tid(), lwkt.tokenSpin(), lwkt.tokenDelayNs(), request), ctx);
      }
    }
    gd.spin.start(LockClass.TOKEN, -1, ctx);
  }

  /** The skip loop ends: its polls are withdrawn. */
  void cancelPolls(LpContext ctx) {
    for (int i = 0; i < polled.size(); i++) {
      SimThread c = polled.get(i);
      gd.send(gd.layout.tokenHomeLp(c.wantToken), 0,
          new TokenPollCancel(c.wantToken, gd.cpu, c.spec.tid(), polledRequests.get(i)), ctx);
    }
    polled.clear();
    polledRequests.clear();
    phase = Phase.NONE;
    gd.spin.endIfAny(ctx);
  }

  /** Leaves the token phase (lwkt_switch() chose a thread or found none). */
  void done() {
    phase = Phase.NONE;
  }

  /**
   * A grant: returns the thread that now holds the token, or null for a grant to a cancelled
   * poll (whose token the home already took back on the cancel).
   */
  SimThread onGranted(TokenGranted g, LpContext ctx) {
    SimThread t = expectedGrant(g);
    if (t == null) {
      return null;
    }
    gd.spin.endIfAny(ctx);
    long now = ctx.now();
    gd.meter.add(CpuCounter.TOKEN_ACQUIRES, 1, now);
    gd.meter.add(CpuCounter.TOKEN_TRIES, Math.max(1, g.tries()), now);
    if (phase == Phase.POLL) {
      int i = polled.indexOf(t);
      polled.remove(i);
      polledRequests.remove(i);
      cancelPolls(ctx);
    }
    phase = Phase.NONE;
    t.heldToken = t.wantToken;
    t.wantToken = -1;
    return t;
  }

  /**
   * Replies are matched by request number, never by thread and token alone: a new request for
   * the same thread and token may be in flight.
   */
  private SimThread expectedGrant(TokenGranted g) {
    switch (phase) {
      case GET:
        return g.request() == request ? gd.curthread : null;
      case SWITCH_TRY:
        return g.request() == request ? trying : null;
      case POLL:
        int i = polledRequests.indexOf(g.request());
        return i < 0 ? null : polled.get(i);
      default:
        return null;
    }
  }

  /** A failure: every try of the spin failed. Returns the phase it answered (GET or SWITCH_TRY). */
  Phase onFailed(TokenFailed f, LpContext ctx) {
    if (f.request() != request || (phase != Phase.GET && phase != Phase.SWITCH_TRY)) {
      throw new IllegalStateException("CPU " + gd.cpu + " got a token failure for request " + f.request()
          + " in phase " + phase + " (current request " + request + ")");
    }
    gd.spin.endIfAny(ctx);
    gd.meter.add(CpuCounter.TOKEN_TRIES, f.tries(), ctx.now());
    Phase answered = phase;
    if (phase == Phase.GET) {
      phase = Phase.NONE;
    }
    return answered;
  }

  private void sendTry(SimThread t, LpContext ctx) {
    gd.send(gd.layout.tokenHomeLp(t.wantToken), 0,
        new TokenTry(t.wantToken, gd.cpu, t.spec.tid(), lwkt.tokenSpin(), lwkt.tokenDelayNs(), ++request), ctx);
  }

  private void release(SimThread t, LpContext ctx) {
    gd.send(gd.layout.tokenHomeLp(t.heldToken), 0, new TokenRelease(t.heldToken, gd.cpu, t.spec.tid()), ctx);
    t.heldToken = -1;
  }
}
