package dfsim.core.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.actors.EngineProtocol.Deliver;
import dfsim.core.actors.EngineProtocol.RunWindow;
import dfsim.core.actors.EngineProtocol.WindowDone;
import dfsim.core.sim.SimModel;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A window loop that looks again only at the LPs and regions that changed opens the windows a
 * whole look would: the least next event it starts from, and each LP's window and its end, from
 * every LP's next event and send bound worked out anew.
 */
final class WindowLoopTest {
  private static final int N = 40;
  private static final long CAP = 1L << 40;
  private static final WindowLoop.Outside NOWHERE = (t, c, m) -> {
    throw new AssertionError("nothing is outside");
  };

  @Test
  void windowsOpenWhereAWholeLookWouldOpenThem() {
    SimModel model = InputHorizonsTest.model(N, InputHorizonsTest.boxWithRegions(lp -> lp / 4));
    int[] ids = new int[N];
    Arrays.setAll(ids, i -> i);
    WindowLoop loop = new WindowLoop(model, ids, 0);
    InputHorizons whole = new InputHorizons(model);
    assertTrue(whole.metric() && whole.regions() > 1);
    SplittableRandom r = new SplittableRandom(7);
    long[] next = new long[N];
    long[] bound = new long[N];
    long[] incoming = new long[N];
    Arrays.fill(incoming, Long.MAX_VALUE);
    loop.expect(N);
    for (int i = 0; i < N; i++) {
      next[i] = r.nextLong(1_000);
      bound[i] = next[i] + r.nextLong(50);
      loop.done(report(i, next[i], bound[i], new int[0], new long[0]), NOWHERE);
    }
    long[] eit = new long[N];
    for (int round = 1; round <= 3_000; round++) {
      for (int i = 0; i < N; i++) {
        next[i] = Math.min(next[i], incoming[i]);
        bound[i] = Math.min(bound[i], incoming[i]);
        incoming[i] = Long.MAX_VALUE;
      }
      assertEquals(Arrays.stream(next).min().getAsLong(), loop.merge(), "start of round " + round);
      whole.compute(bound, eit);
      Map<Integer, RunWindow> opened = new HashMap<>();
      loop.open(CAP, round, (lp, w) -> opened.put(lp, w));
      for (int j = 0; j < N; j++) {
        long end = Math.min(CAP, eit[j]);
        if (next[j] < end) {
          assertTrue(opened.containsKey(j), "LP " + j + " not woken in round " + round);
          assertEquals(end, opened.get(j).end(), "LP " + j + "'s window in round " + round);
        } else {
          assertTrue(!opened.containsKey(j), "LP " + j + " woken in round " + round);
        }
      }
      assertTrue(!opened.isEmpty(), "round " + round + " opened nothing");
      for (int j : opened.keySet().stream().sorted().toList()) {
        // Mostly on (its next event and bound later), sometimes idle; now and then it mails an
        // LP an event that is earlier than that LP's own next one.
        long end = opened.get(j).end();
        next[j] = r.nextInt(20) == 0 ? Long.MAX_VALUE : end + r.nextLong(1, 300);
        bound[j] = next[j] == Long.MAX_VALUE ? Long.MAX_VALUE : next[j] + r.nextLong(50);
        int[] to = new int[0];
        long[] at = new long[0];
        if (r.nextInt(3) == 0) {
          int t = r.nextInt(N);
          to = new int[] {t};
          at = new long[] {Math.max(end, eit[t] == Long.MAX_VALUE ? end : eit[t]) + r.nextLong(0, 40)};
          incoming[t] = Math.min(incoming[t], at[0]);
        }
        loop.done(report(j, next[j], bound[j], to, at), NOWHERE);
      }
    }
  }

  private static WindowDone report(int lp, long next, long bound, int[] mailTo, long[] at) {
    Deliver[] mail = new Deliver[mailTo.length];
    for (int k = 0; k < mail.length; k++) {
      mail[k] = new Deliver(at[k], lp, k, 0, null);
    }
    return new WindowDone(lp, next, bound, 1, mailTo, mail, new int[0], new int[0], new long[0]);
  }
}
