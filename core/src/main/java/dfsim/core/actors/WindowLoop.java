package dfsim.core.actors;

import dfsim.core.actors.EngineProtocol.Deliver;
import dfsim.core.actors.EngineProtocol.RunWindow;
import dfsim.core.actors.EngineProtocol.WindowDone;
import dfsim.core.sim.SimModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Conservative windows over a set of LPs (a run's all, in one JVM; a worker's, in a cluster) up
 * to a cap. In each window every LP j runs its events before its horizon: its earliest input
 * time from the set's LPs (see {@link InputHorizons}), and never past the cap, below which
 * nothing from outside the set can arrive. Only LPs with events before their horizon are woken;
 * the window ends when each has reported. What the set's LPs send each other comes with their
 * reports and is handed to the target with its next window; an LP runs a window only once every
 * message from outside the set that its round needs has arrived. Where per-LP horizons cannot be
 * had cheaply (latencies that break the triangle inequality on a big box), one end for all, min
 * over LPs of (send bound + least outgoing latency), is used instead. With per-region horizons a
 * window's bookkeeping looks only at the LPs that reported or were sent to since the last one,
 * and at their regions, not at every LP.
 */
final class WindowLoop {
  /** Where a window is opened: LP {@code lp} (its id in the run) gets {@code w}. */
  interface Opener {
    void open(int lp, RunWindow w);

    /** Sends what {@link #open} held back: every window of this round is open. */
    default void flush() {}
  }

  /** Hears of the messages the set's LPs sent outside it. */
  interface Outside {
    void sent(int target, int count, long minTime);
  }

  /** The set's LPs (their ids in the run), and each run LP's place in the set or -1. */
  private final int[] ids;
  private final int[] place;
  private final long[] nextEvent;
  private final long[] sendBound;
  /** Messages from outside the set that each LP's next round needs (counted since the start). */
  private final long[] expected;
  /** The earliest of the messages sent to each LP since its last merge. */
  private final long[] incoming;
  /** What the set's LPs sent each other, held for the target's next window. */
  private final ArrayList<Deliver>[] mail;
  private final InputHorizons horizons;
  /** Each LP's least outgoing latency, for the one end for all; null with per-LP horizons. */
  private final long[] minOut;
  private final long slackNs;
  private int outstanding;
  private long events;
  /**
   * The LPs whose next event or send bound changed since the last window opened (a report, a
   * message to them): with per-region horizons only these LPs' regions are looked at again.
   */
  private final BitSet changed = new BitSet();
  /** With per-region horizons: each region's least next event, and the regions to work it out again. */
  private final long[] regionNext;
  private final BitSet staleRegions = new BitSet();
  /** The LPs that may be woken in a window (their next event lies below every horizon's bound). */
  private final BitSet wake = new BitSet();

  /**
   * The windows of {@code model}'s LPs {@code ids}; {@code slackNs} widens each beyond what is
   * safe (tests only, to show that the LPs detect out-of-order delivery).
   */
  WindowLoop(SimModel model, int[] ids, long slackNs) {
    this.ids = ids.clone();
    this.place = new int[model.lps().size()];
    Arrays.fill(place, -1);
    for (int i = 0; i < ids.length; i++) {
      place[ids[i]] = i;
    }
    int n = ids.length;
    this.nextEvent = new long[n];
    this.sendBound = new long[n];
    this.expected = new long[n];
    this.incoming = new long[n];
    Arrays.fill(incoming, Long.MAX_VALUE);
    @SuppressWarnings("unchecked")
    ArrayList<Deliver>[] m = new ArrayList[n];
    this.mail = m;
    this.horizons = InputHorizons.of(InputHorizons.Links.of(model, ids));
    this.minOut = horizons == null ? minOut(model, ids) : null;
    this.slackNs = slackNs;
    this.regionNext = new long[horizons == null || !horizons.metric() ? 0 : horizons.regions()];
    // Every LP and region starts changed: the first window works everything out.
    changed.set(0, n);
    staleRegions.set(0, regionNext.length);
  }

  /** Waits for {@code reports} more reports (each LP reports once when it starts). */
  void expect(int reports) {
    outstanding += reports;
  }

  /** LP {@code lp}'s (an id in the run) place among the set's LPs as given, or -1 outside it. */
  int place(int lp) {
    return place[lp];
  }

  /**
   * Takes an LP's report; messages to LPs outside the set go to {@code outside}. Returns whether
   * every window opened has now reported.
   */
  boolean done(WindowDone d, Outside outside) {
    int i = place[d.lp()];
    if (regionNext.length > 0 && d.nextEvent() > nextEvent[i]) {
      int g = horizons.region(i);
      if (nextEvent[i] <= regionNext[g]) {
        // It may have held its region's least next event: the region is worked out again.
        staleRegions.set(g);
      }
    }
    nextEvent[i] = d.nextEvent();
    sendBound[i] = d.sendBound();
    changed.set(i);
    events += d.events();
    for (int k = 0; k < d.mail().length; k++) {
      int t = place[d.mailTo()[k]];
      if (t < 0) {
        throw new IllegalStateException("LP " + d.lp() + " mailed LP " + d.mailTo()[k] + ", which is not in its hub");
      }
      if (mail[t] == null) {
        mail[t] = new ArrayList<>();
      }
      mail[t].add(d.mail()[k]);
      incoming[t] = Math.min(incoming[t], d.mail()[k].time());
      changed.set(t);
    }
    // Only messages to LPs outside the set are sent and counted (the set's own ride in the mail).
    for (int k = 0; k < d.targets().length; k++) {
      if (place[d.targets()[k]] >= 0) {
        throw new IllegalStateException("LP " + d.lp() + " sent LP " + d.targets()[k] + " a message of its own,"
            + " but it is in its hub");
      }
      outside.sent(d.targets()[k], d.counts()[k], d.minTimes()[k]);
    }
    return --outstanding == 0;
  }

  /** Messages from outside the set: {@code count} more to LP {@code lp}, the earliest at {@code minTime}. */
  void received(int lp, long count, long minTime) {
    int i = place[lp];
    expected[i] += count;
    incoming[i] = Math.min(incoming[i], minTime);
    changed.set(i);
  }

  /** Takes the messages sent since the last call into each LP's next event; returns the least. */
  long merge() {
    if (regionNext.length == 0) {
      long start = Long.MAX_VALUE;
      for (int i = 0; i < ids.length; i++) {
        take(i);
        start = Math.min(start, nextEvent[i]);
      }
      return start;
    }
    // Only changed LPs can have new messages or events; an earlier next event lowers its region's
    // least at once, a later one of the LP that held it had the region marked stale (done()).
    for (int i = changed.nextSetBit(0); i >= 0; i = changed.nextSetBit(i + 1)) {
      take(i);
      int g = horizons.region(i);
      regionNext[g] = Math.min(regionNext[g], nextEvent[i]);
    }
    for (int g = staleRegions.nextSetBit(0); g >= 0; g = staleRegions.nextSetBit(g + 1)) {
      long least = Long.MAX_VALUE;
      for (int j : horizons.members(g)) {
        least = Math.min(least, nextEvent[j]);
      }
      regionNext[g] = least;
    }
    staleRegions.clear();
    long start = Long.MAX_VALUE;
    for (long t : regionNext) {
      start = Math.min(start, t);
    }
    return start;
  }

  /** Takes LP {@code i}'s messages since the last merge into its next event and send bound. */
  private void take(int i) {
    if (incoming[i] != Long.MAX_VALUE) {
      nextEvent[i] = Math.min(nextEvent[i], incoming[i]);
      sendBound[i] = Math.min(sendBound[i], incoming[i]);
      incoming[i] = Long.MAX_VALUE;
    }
  }

  /**
   * Opens round {@code round}'s windows, none past {@code cap}, after a {@link #merge}; returns
   * how many it opened (none: nothing lies before the cap).
   */
  int open(long cap, long round, Opener opener) {
    int n = ids.length;
    long wakeBelow = cap;
    long globalEnd = Long.MAX_VALUE;
    if (horizons != null) {
      horizons.prepare(sendBound, changed);
      wakeBelow = Math.min(cap, saturatedAdd(horizons.upperBound(), slackNs));
    } else {
      for (int i = 0; i < n; i++) {
        if (sendBound[i] != Long.MAX_VALUE) {
          globalEnd = Math.min(globalEnd, sendBound[i] + minOut[i]);
        }
      }
    }
    changed.clear();
    // With regions, only those with an event below wakeBelow are looked into; LPs open in id order.
    if (regionNext.length > 0) {
      for (int g = 0; g < regionNext.length; g++) {
        if (regionNext[g] < wakeBelow) {
          for (int j : horizons.members(g)) {
            if (nextEvent[j] < wakeBelow) {
              wake.set(j);
            }
          }
        }
      }
    } else {
      for (int j = 0; j < n; j++) {
        if (nextEvent[j] < wakeBelow) {
          wake.set(j);
        }
      }
    }
    int opened = 0;
    for (int j = wake.nextSetBit(0); j >= 0; j = wake.nextSetBit(j + 1)) {
      long horizon = horizons != null ? horizons.earliestInput(j, nextEvent[j] - slackNs) : globalEnd;
      horizon = Math.min(cap, saturatedAdd(horizon, slackNs));
      if (nextEvent[j] < horizon) {
        opened++;
        opener.open(ids[j], new RunWindow(horizon, expected[j], round, takeMail(j)));
      }
    }
    wake.clear();
    outstanding += opened;
    opener.flush();
    return opened;
  }

  private static final Deliver[] NO_MAIL = {};

  /** The messages held for LP {@code j} (its place), handed over with its window. */
  private Deliver[] takeMail(int j) {
    ArrayList<Deliver> m = mail[j];
    if (m == null || m.isEmpty()) {
      return NO_MAIL;
    }
    Deliver[] out = m.toArray(NO_MAIL);
    m.clear();
    return out;
  }

  /** The events the set's LPs have run since the last {@link #takeEvents}. */
  long events() {
    return events;
  }

  /** The events the set's LPs have run since the last call. */
  long takeEvents() {
    long e = events;
    events = 0;
    return e;
  }

  /** LP {@code lp}'s earliest pending event, as of its last report and merge. */
  long nextEvent(int lp) {
    return nextEvent[place[lp]];
  }

  /** The earliest LP {@code lp} could send given no new input, as of its last report and merge. */
  long sendBound(int lp) {
    return sendBound[place[lp]];
  }

  /** Returns each LP's least latency to any other LP of the run (the lookahead if it has no peer). */
  private static long[] minOut(SimModel model, int[] ids) {
    int all = model.lps().size();
    long[] out = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      long min = Long.MAX_VALUE;
      for (int j = 0; j < all; j++) {
        if (ids[i] != j) {
          min = Math.min(min, model.minDelay(ids[i], j));
        }
      }
      out[i] = min == Long.MAX_VALUE ? model.lookaheadNs() : min;
    }
    return out;
  }

  static long saturatedAdd(long a, long b) {
    long r = a + b;
    return r < a ? Long.MAX_VALUE : r;
  }
}
