package dfsim.core.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dfsim.core.sim.LinkLatency;
import dfsim.core.sim.SimModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The closed form of the earliest input times gives Dijkstra's times whenever the latencies obey
 * the triangle inequality, and latencies that do not are left to Dijkstra.
 */
final class InputHorizonsTest {

  static SimModel model(int n, LinkLatency latency) {
    List<ActorEngineTest.Relay> lps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lps.add(new ActorEngineTest.Relay(i, n, 0));
    }
    return new SimModel(lps, latency, 10, 1_000_000, 1);
  }

  /** A box's hierarchy: LPs in dies of 4, dies in sockets of 2 (10 / 20 / 70 / 150 ns). */
  private static long box(int a, int b) {
    if (a / 2 == b / 2) {
      return 10;
    }
    if (a / 4 == b / 4) {
      return 20;
    }
    return a / 8 == b / 8 ? 70 : 150;
  }

  private static void assertSameAsDijkstra(InputHorizons h, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long[] bounds = new long[n];
    long[] fast = new long[n];
    long[] slow = new long[n];
    for (int trial = 0; trial < 2_000; trial++) {
      for (int i = 0; i < n; i++) {
        // Idle LPs (no send bound) are common: a third of them here, sometimes all.
        // Bounds spread wide (few LPs near the least) or packed within a latency of each other.
        long spread = trial % 2 == 0 ? 1_000 : 100;
        bounds[i] = trial % 97 == 0 || r.nextInt(3) == 0 ? Long.MAX_VALUE : r.nextLong(spread);
      }
      h.closedForm(bounds, fast);
      h.dijkstra(bounds, slow);
      assertArrayEquals(slow, fast, "send bounds " + java.util.Arrays.toString(bounds));
      // Asked only whether an LP's next event lies before its horizon, the answer may stop early
      // at or below that event, but is exact above it.
      h.prepare(bounds);
      for (long t : slow) {
        assertTrue(t <= h.upperBound(), t + " above the upper bound " + h.upperBound());
      }
      for (int j = 0; j < n; j++) {
        long next = r.nextLong(1_200);
        long answer = h.earliestInput(j, next);
        if (slow[j] <= next) {
          assertTrue(answer <= next, "LP " + j + ": " + answer + " for " + slow[j] + " below " + next);
        } else {
          assertEquals(slow[j], answer, "LP " + j + " above " + next);
        }
      }
    }
  }

  @Test
  void closedFormEqualsDijkstraOnBoxLatencies() {
    for (int n : new int[] {2, 3, 22, 40}) {
      InputHorizons h = new InputHorizons(model(n, InputHorizonsTest::box));
      assertTrue(h.metric(), n + " LPs");
      assertSameAsDijkstra(h, n, n);
    }
  }

  /** {@link #box} with its dies (4 LPs) as regions, or a claimed region that is wrong. */
  static LinkLatency boxWithRegions(java.util.function.IntUnaryOperator region) {
    return new LinkLatency() {
      @Override
      public long between(int from, int to) {
        return box(from, to);
      }

      @Override
      public int region(int lp) {
        return region.applyAsInt(lp);
      }
    };
  }

  @Test
  void regionsGiveDijkstrasTimes() {
    for (int n : new int[] {3, 22, 40}) {
      InputHorizons h = new InputHorizons(model(n, boxWithRegions(lp -> lp / 4)));
      assertTrue(h.metric(), n + " LPs");
      assertEquals((n + 3) / 4, h.regions(), n + " LPs in dies of 4");
      assertSameAsDijkstra(h, n, n + 100);
      // Sockets (8 LPs) are exact regions too (every LP outside one is 150 ns from all of it),
      // but a socket's 10 to 70 ns inside fail the per-region triangle check: one region per LP.
      InputHorizons sockets = new InputHorizons(model(n, boxWithRegions(lp -> lp / 8)));
      assertEquals(n <= 8 ? 1 : n, sockets.regions(), n + " LPs in sockets of 8");
      assertTrue(sockets.metric());
      assertSameAsDijkstra(sockets, n, n + 200);
    }
  }

  @Test
  void aRegionTheLatenciesContradictIsDropped() {
    // 10 ns everywhere but 15 between LPs 0 and 5, claimed in regions of 4: taken at its word,
    // the claim would put LP 5 10 ns from LP 0 and its horizon early.
    LinkLatency skew = (a, b) -> (a == 0 && b == 5) || (a == 5 && b == 0) ? 15 : 10;
    InputHorizons h = new InputHorizons(model(12, new LinkLatency() {
      @Override
      public long between(int from, int to) {
        return skew.between(from, to);
      }

      @Override
      public int region(int lp) {
        return lp / 4;
      }
    }));
    assertEquals(12, h.regions(), "one region per LP");
    assertTrue(h.metric());
    assertSameAsDijkstra(h, 12, 5);
  }

  @Test
  void aThousandCpuBoxHasPerLpHorizonsPerDie() {
    // 16 sockets x 64 cores, 2 dies per socket with one memoryless: 1,024 CPUs and 64 more LPs.
    dfsim.core.topology.LpLayout layout = new dfsim.core.topology.LpLayout(dfsim.core.topology.Topology.from(
        new dfsim.core.config.Settings(dfsim.core.config.ConfigLoader.resolve(com.typesafe.config.ConfigFactory
            .parseString("topology { sockets = 16, cores-per-socket = 64, dies-per-socket = 2, memoryless-dies = [1] }"))),
        10));
    int n = layout.size();
    InputHorizons h = InputHorizons.of(model(n, layout));
    assertTrue(h != null && h.metric());
    assertEquals(32, h.regions());
    SplittableRandom r = new SplittableRandom(3);
    long[] bounds = new long[n];
    long[] fast = new long[n];
    long[] slow = new long[n];
    for (int trial = 0; trial < 30; trial++) {
      for (int i = 0; i < n; i++) {
        bounds[i] = r.nextInt(4) == 0 ? Long.MAX_VALUE : r.nextLong(trial % 2 == 0 ? 2_000 : 200);
      }
      h.closedForm(bounds, fast);
      h.dijkstra(bounds, slow);
      assertArrayEquals(slow, fast);
    }
  }

  /**
   * A window changes a few LPs' send bounds; working out only their regions again gives every
   * LP the times and the upper bound of a whole pass, also when the change raises a region's
   * least bound (its least LP ran on) or idles LPs. Fails when a changed region's least bound is
   * kept from before, or when the changed regions are not worked out again.
   */
  @Test
  void onlyTheChangedLpsRegionsAreWorkedOutAgain() {
    // LPs in dies of 4 (SMT pairs inside: two latencies) or in pairs (one latency inside, so an
    // LP's own region answers through its least or second-least bound); bounds spread wide, or a
    // few nanoseconds apart so that LPs tie for a region's least and second-least.
    for (int[] box : new int[][] {{22, 400, 4}, {40, 400, 4}, {40, 4, 4}, {22, 400, 2}, {40, 4, 2}}) {
      int n = box[0];
      long spread = box[1];
      int die = box[2];
      InputHorizons inc = new InputHorizons(model(n, boxWithRegions(lp -> lp / die)));
      InputHorizons whole = new InputHorizons(model(n, boxWithRegions(lp -> lp / die)));
      assertTrue(inc.metric() && inc.regions() == (n + die - 1) / die, java.util.Arrays.toString(box));
      SplittableRandom r = new SplittableRandom(n + spread + die);
      long[] bounds = new long[n];
      for (int i = 0; i < n; i++) {
        bounds[i] = r.nextLong(spread * 2);
      }
      inc.prepare(bounds);
      java.util.BitSet changed = new java.util.BitSet();
      for (int trial = 0; trial < 3_000; trial++) {
        changed.clear();
        long floor = java.util.Arrays.stream(bounds).min().getAsLong();
        int count = 1 + r.nextInt(4);
        for (int c = 0; c < count; c++) {
          int k = r.nextInt(n);
          changed.set(k);
          // Mostly forward (an LP ran on), sometimes back (a message), sometimes idle; an idle
          // LP comes back among the others.
          if (r.nextInt(10) == 0) {
            bounds[k] = Long.MAX_VALUE;
          } else if (bounds[k] == Long.MAX_VALUE) {
            bounds[k] = (floor == Long.MAX_VALUE ? 0 : floor) + r.nextLong(spread * 2);
          } else {
            bounds[k] = Math.max(0, bounds[k] + r.nextLong(-spread / 8 - 1, spread));
          }
        }
        inc.prepare(bounds, changed);
        whole.prepare(bounds);
        assertEquals(whole.upperBound(), inc.upperBound(), "trial " + trial);
        for (int j = 0; j < n; j++) {
          assertEquals(whole.earliestInput(j, Long.MIN_VALUE), inc.earliestInput(j, Long.MIN_VALUE),
              "LP " + j + ", trial " + trial + ", " + java.util.Arrays.toString(box));
        }
      }
    }
  }

  @Test
  void withoutAClosedFormABigBoxHasNone() {
    // 200 LPs where a relay beats the direct link: no closed form, and Dijkstra is too dear.
    LinkLatency skewed = (a, b) -> (a == 0 && b == 2) || (a == 2 && b == 0) ? 500 : 10;
    assertEquals(null, InputHorizons.of(model(200, skewed)));
    assertTrue(InputHorizons.of(model(InputHorizons.DIJKSTRA_LIMIT, skewed)) != null);
  }

  @Test
  void closedFormEqualsDijkstraOnRandomMetricLatencies() {
    // LPs at random points on a line, latency = distance + 10: a metric with no hierarchy.
    SplittableRandom r = new SplittableRandom(7);
    long[] x = r.longs(30, 0, 500).toArray();
    InputHorizons h = new InputHorizons(model(30, (a, b) -> Math.abs(x[a] - x[b]) + 10));
    assertTrue(h.metric());
    assertSameAsDijkstra(h, 30, 11);
  }

  @Test
  void latenciesBreakingTheTriangleInequalityUseDijkstra() {
    // 0 -> 2 direct costs 500 ns, via 1 only 20 ns: a relay is faster than the link.
    LinkLatency skewed = (a, b) -> (a == 0 && b == 2) || (a == 2 && b == 0) ? 500 : 10;
    InputHorizons h = new InputHorizons(model(3, skewed));
    assertFalse(h.metric());
    long[] eit = new long[3];
    h.compute(new long[] {100, Long.MAX_VALUE, Long.MAX_VALUE}, eit);
    // LP 2 hears from LP 0 through LP 1 at 120, not over the direct link at 600; LP 0 hears its
    // own reply after a round trip of 20.
    assertArrayEquals(new long[] {120, 110, 120}, eit);
  }

  @Test
  void nothingSendsMeansNothingArrives() {
    InputHorizons h = new InputHorizons(model(4, InputHorizonsTest::box));
    long[] eit = new long[4];
    h.compute(new long[] {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE}, eit);
    for (long t : eit) {
      assertEquals(Long.MAX_VALUE, t);
    }
  }
}
