package dfsim.memory;

import dfsim.core.protocol.UmtxFork;
import dfsim.core.protocol.UmtxSleep;
import dfsim.core.protocol.UmtxSleepDone;
import dfsim.core.protocol.UmtxUser;
import dfsim.core.protocol.UmtxUserDone;
import dfsim.core.protocol.UmtxWake;
import dfsim.core.protocol.UmtxWakeDone;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimMessage;
import dfsim.memory.UmtxWords.Cow;
import java.util.Iterator;
import java.util.Map;

/**
 * The mutex words of the objects homed on this node and the umtx sleepers on them
 * (sys/kern/kern_umtx.c, with tsleep()/wakeup() of sys/kern/kern_synch.c keyed on the word's
 * physical address): userland atomics on a word, umtx_sleep()'s poll, interlocked re-check and
 * sleep with its callout, umtx_wakeup() of one or all sleepers, and fork()'s effect on them.
 * See docs/model/kern-umtx.md.
 */
final class UmtxSleepQueues {
  /** The end of a umtx sleeper's poll of the word ({@code kern.umtx_delay}). */
  record UmtxPollEnd(int object, int mutex, int tid, long seq) implements SimMessage {}

  /** A umtx sleeper's timeout callout. */
  record UmtxTimeout(int object, int mutex, int tid, long seq) implements SimMessage {}

  private final Node n;
  private final UmtxWords umtx;
  private final MutexPageCow cow;
  private final long tickNs;

  UmtxSleepQueues(Node n, UmtxWords umtx, MutexPageCow cow, long tickNs) {
    this.n = n;
    this.umtx = umtx;
    this.cow = cow;
    this.tickNs = tickNs;
  }

  /** A userland atomic on the word: it waits for the line, which moves from its last writer. */
  void onUser(UmtxUser u, LpContext ctx) {
    long now = ctx.now();
    // A locked op (or a debugger's store) needs the page writable: after a fork that is a COW
    // fault copying it first.
    Cow c = cow.write(u.object(), u.cpu(), u.op() == UmtxUser.Op.POKE, ctx);
    if (u.op() == UmtxUser.Op.POKE) {
      // A store elsewhere on the page: no mutex word changes.
      n.reply(u.cpu(), c.ns(), new UmtxUserDone(u.mutex(), 0, c.ns(), c.ipis()), ctx);
      return;
    }
    UmtxWords.Word w = umtx.word(u.object(), u.mutex());
    long doneAfter = w.line.take(u.cpu(), now + c.ns()) - now;
    int old = w.value;
    switch (u.op()) {
      case CMPXCHG_0_1 -> w.value = old == 0 ? 1 : old;
      case XCHG_2 -> w.value = 2;
      case DEC -> w.value = 0;
      default -> throw new IllegalStateException("umtx op " + u.op());
    }
    n.reply(u.cpu(), doneAfter, new UmtxUserDone(u.mutex(), old, c.ns(), c.ipis()), ctx);
    if (w.value != old) {
      // Pollers reading the word see the change (the poll's fuword()/DMAP read leaves with EBUSY).
      for (Iterator<UmtxWords.Sleeper> it = w.sleepers.iterator(); it.hasNext(); ) {
        UmtxWords.Sleeper sl = it.next();
        if (!sl.asleep && sl.request.expected() != umtx.valueSeenBy(w, sl, u.object())) {
          it.remove();
          reply(sl, UmtxSleepDone.Outcome.BUSY, doneAfter, ctx);
        }
      }
    }
  }

  private void reply(UmtxWords.Sleeper s, UmtxSleepDone.Outcome outcome, long afterNs, LpContext ctx) {
    reply(s, outcome, afterNs, -1, 0, ctx);
  }

  /** Replies to the sleeper; {@code ipiFrom} (-1: none) sent the wakeup IPI at {@code ipiSentNs}. */
  private void reply(UmtxWords.Sleeper s, UmtxSleepDone.Outcome outcome, long afterNs, int ipiFrom, long ipiSentNs,
      LpContext ctx) {
    // The call's first reply carries the COW its write resolution made.
    Cow c = s.cow == null ? Cow.NONE : s.cow;
    s.cow = null;
    n.reply(s.request.cpu(), afterNs,
        new UmtxSleepDone(s.request.tid(), s.request.mutex(), outcome, ipiFrom, ipiSentNs, c.ns(), c.ipis()),
        ctx);
  }

  void onSleep(UmtxSleep u, LpContext ctx) {
    UmtxWords.Word w = umtx.word(u.object(), u.mutex());
    UmtxWords.Sleeper s = new UmtxWords.Sleeper(u, umtx.nextSeq());
    Cow c = u.forceCow() ? cow.write(u.object(), u.cpu(), false, ctx) : Cow.NONE;
    s.gen = umtx.page(u.object()).gen;
    s.cow = c;
    if (w.value != u.expected()) {
      reply(s, UmtxSleepDone.Outcome.BUSY, c.ns(), ctx);
      return;
    }
    w.sleepers.add(s);
    ctx.schedule(c.ns() + u.pollNs(), new UmtxPollEnd(u.object(), u.mutex(), u.tid(), s.seq));
  }

  /** The poll ran out: tsleep_interlock(), re-check the word, and sleep (with its callout if any). */
  void onPollEnd(UmtxPollEnd p, LpContext ctx) {
    UmtxWords.Word w = umtx.word(p.object(), p.mutex());
    UmtxWords.Sleeper s = UmtxWords.find(w, p.tid(), p.seq());
    if (s == null) {
      return;
    }
    if (umtx.valueSeenBy(w, s, p.object()) != s.request.expected()) {
      w.sleepers.remove(s);
      reply(s, UmtxSleepDone.Outcome.BUSY, 0, ctx);
      return;
    }
    s.asleep = true;
    s.asleepAt = ctx.now();
    reply(s, UmtxSleepDone.Outcome.SLEEPING, 0, ctx);
    if (s.request.timeoutNs() > 0) {
      // The callout fires on the tick at or after the timeout, in whole ticks.
      long now = ctx.now();
      long at = ((now + s.request.timeoutNs() + tickNs - 1) / tickNs) * tickNs;
      ctx.schedule(at - now, new UmtxTimeout(p.object(), p.mutex(), p.tid(), p.seq()));
    }
  }

  void onTimeout(UmtxTimeout t, LpContext ctx) {
    UmtxWords.Word w = umtx.word(t.object(), t.mutex());
    UmtxWords.Sleeper s = UmtxWords.find(w, t.tid(), t.seq());
    if (s != null && s.asleep) {
      w.sleepers.remove(s);
      slept(s, ctx.now());
      reply(s, UmtxSleepDone.Outcome.TIMEDOUT, 0, ctx);
    }
  }

  /**
   * wakeup_one() or wakeup() on the word's physical address: the sleepers asleep on it, in
   * order; a sleeper on another CPU is woken by an IPI.
   */
  void onWake(UmtxWake u, LpContext ctx) {
    UmtxWords.Word w = umtx.word(u.object(), u.mutex());
    Cow c = u.forceCow() ? cow.write(u.object(), u.cpu(), false, ctx) : Cow.NONE;
    int gen = umtx.page(u.object()).gen;
    int woken = 0;
    int ipis = 0;
    boolean elsewhere = false;
    for (Iterator<UmtxWords.Sleeper> it = w.sleepers.iterator(); it.hasNext(); ) {
      UmtxWords.Sleeper s = it.next();
      if (!s.asleep) {
        continue;
      }
      if (s.gen != gen) {
        // Asleep on the page's old physical address: this wakeup cannot find it.
        elsewhere = true;
        continue;
      }
      it.remove();
      long ipi = wakeSleeper(s, u.cpu(), c.ns(), ctx);
      ipis += ipi > 0 ? 1 : 0;
      // wakeup_domain_one() for a count of 1, wakeup_domain() (all) for any other.
      if (++woken == 1 && u.count() == 1) {
        break;
      }
    }
    n.reply(u.cpu(), c.ns(), new UmtxWakeDone(u.mutex(), woken, ipis, woken == 0 && elsewhere, c.ns(), c.ipis()), ctx);
  }

  /**
   * fork(): the page goes copy-on-write and every sleeper of the process is woken
   * (wake_umtx_threads()); a thread still polling the word is not asleep and stays.
   */
  void onFork(UmtxFork f, LpContext ctx) {
    cow.fork(f.object());
    for (Map.Entry<Long, UmtxWords.Word> e : umtx.all()) {
      if ((int) (e.getKey() >>> 32) != f.object()) {
        continue;
      }
      for (Iterator<UmtxWords.Sleeper> it = e.getValue().sleepers.iterator(); it.hasNext(); ) {
        UmtxWords.Sleeper s = it.next();
        if (s.asleep) {
          it.remove();
          wakeSleeper(s, f.cpu(), 0, ctx);
        }
      }
    }
  }

  /** Wakes sleeper {@code s} from CPU {@code by}, {@code afterNs} from now; returns the IPI's ns (0: same CPU). */
  private long wakeSleeper(UmtxWords.Sleeper s, int by, long afterNs, LpContext ctx) {
    slept(s, ctx.now());
    long ipi = s.request.cpu() == by ? 0 : n.topo.latencies().ipiNs();
    if (ipi > 0) {
      reply(s, UmtxSleepDone.Outcome.WOKEN, afterNs + ipi, by, ctx.now() + afterNs, ctx);
    } else {
      reply(s, UmtxSleepDone.Outcome.WOKEN, afterNs, ctx);
    }
    return ipi;
  }

  private void slept(UmtxWords.Sleeper s, long now) {
    umtx.longestSleepNs = Math.max(umtx.longestSleepNs, now - s.asleepAt);
  }

  /** Adds the sleepers still asleep at {@code endTime} and the longest sleep (ongoing ones up to the end) to {@code out}. */
  void report(long endTime, Map<String, Object> out) {
    int asleep = 0;
    long longest = umtx.longestSleepNs;
    for (Map.Entry<Long, UmtxWords.Word> e : umtx.all()) {
      for (UmtxWords.Sleeper s : e.getValue().sleepers) {
        if (s.asleep) {
          asleep++;
          longest = Math.max(longest, endTime - s.asleepAt);
        }
      }
    }
    out.put("umtx_asleep_at_end", asleep);
    out.put("umtx_longest_sleep_ns", longest);
  }
}
