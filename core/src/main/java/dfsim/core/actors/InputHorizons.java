package dfsim.core.actors;

import dfsim.core.sim.SimModel;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Each LP's earliest input time (EIT): the earliest any message, including a reply to one of its
 * own, could reach it. EIT(j) = min over k != j of EOT(k) + latency(k, j), where EOT(k) =
 * min(k's send bound, EIT(k)) since an LP may answer a message at once. That is a shortest-path
 * closure over the LPs, computed once per window.
 *
 * <p>When the link latencies obey the triangle inequality (they do whenever the configured
 * cache-line latencies grow with distance, as on every real box), no path beats the direct
 * link, so the closure has a closed form: EIT(j) = min(min over k != j of bound(k) +
 * latency(k, j), bound(j) + the shortest round trip from j). Otherwise Dijkstra runs, on boxes
 * of up to {@value #DIJKSTRA_LIMIT} LPs. Both give the same times.
 *
 * <p>The closed form works per region ({@link dfsim.core.sim.LinkLatency#region}: a die's CPUs
 * and the LPs on it), since every LP outside a region reaches all of it with one latency: the
 * other regions enter only through their least send bound, the own region LP by LP. Only regions
 * whose least bound is near the box's least can matter, so a window's question costs a few
 * regions plus one region's LPs, on a 1,040-LP box as on a 20-LP one. A region hint that the
 * latencies contradict is dropped for one region per LP.
 */
final class InputHorizons {
  /** The LPs a computation covers, numbered from 0: their least delays and regions. */
  interface Links {
    int size();

    long minDelay(int from, int to);

    int region(int lp);

    /** All of {@code model}'s LPs. */
    static Links of(SimModel model) {
      return new Links() {
        @Override
        public int size() {
          return model.lps().size();
        }

        @Override
        public long minDelay(int from, int to) {
          return model.minDelay(from, to);
        }

        @Override
        public int region(int lp) {
          return model.latency().region(lp);
        }
      };
    }

    /** The LPs {@code ids} of {@code model}: number i stands for LP ids[i]. */
    static Links of(SimModel model, int[] ids) {
      return new Links() {
        @Override
        public int size() {
          return ids.length;
        }

        @Override
        public long minDelay(int from, int to) {
          return model.minDelay(ids[from], ids[to]);
        }

        @Override
        public int region(int lp) {
          return model.latency().region(ids[lp]);
        }
      };
    }
  }

  /** Stands for "never" inside the sums: adding two of them cannot overflow. */
  private static final long NEVER = Long.MAX_VALUE / 4;
  /** Up to this many LPs Dijkstra's O(n^2) per window is affordable where the closed form is not. */
  static final int DIJKSTRA_LIMIT = 96;
  /** Up to this many regions the closed form's tables and its O(regions^3) check are cheap. */
  static final int REGION_LIMIT = 256;

  private final int n;
  /** Each LP's region, numbered from 0. */
  private int[] region;
  private int regions;
  /** Each region's LPs in id order, and each LP's place among them. */
  private int[][] members;
  private final int[] place;
  /** across[from * regions + to]: the latency from any LP of one region to any of another. */
  private long[] across;
  /** within[r][i * size + k]: the latency from member i to member k of region r; NEVER for i == k. */
  private long[][] within;
  /**
   * The least latency to each LP from the others of its region, or -1 where they differ (SMT
   * siblings): with one latency, the region's least bound other than the LP's own gives the
   * answer without a look at each member.
   */
  private final long[] fromRegion;
  /** The shortest round trip j -> k -> j over k != j. */
  private final long[] roundTrip;
  private final boolean metric;
  private long minLatency = NEVER;
  private long maxLatency;
  /** This window's send bounds, capped at NEVER; each region's least, its LP, and the second least. */
  private final long[] bound;
  private long[] least = {};
  private int[] leastLp = {};
  private long[] second = {};
  /** The regions whose least bound can give some LP its earliest input time. */
  private int[] candidates = {};
  /** Whether least, leastLp and second hold for {@link #bound} (after a first whole pass). */
  private boolean primed;
  /** The regions whose bounds changed since the last pass. */
  private final BitSet stale = new BitSet();
  private int count;
  /** No LP's earliest input time is above this (see {@link #prepareClosedForm}). */
  private long upper = Long.MAX_VALUE;
  /** Dijkstra's latencies (into[j * n + k] from k to j) and times, made at its first use. */
  private final Links links;
  private long[] into;
  private long[] eit;
  private long[] eot;
  private boolean[] done;

  /**
   * Returns the horizons of {@code model}'s LPs, or null where neither the closed form nor
   * Dijkstra is affordable: the engine then uses one global window end.
   */
  static InputHorizons of(SimModel model) {
    return of(Links.of(model));
  }

  /** As {@link #of(SimModel)}, for any set of LPs. */
  static InputHorizons of(Links links) {
    InputHorizons h = new InputHorizons(links);
    return h.metric || h.n <= DIJKSTRA_LIMIT ? h : null;
  }

  InputHorizons(SimModel model) {
    this(Links.of(model));
  }

  InputHorizons(Links links) {
    this.links = links;
    this.n = links.size();
    this.bound = new long[n];
    this.roundTrip = new long[n];
    this.fromRegion = new long[n];
    this.place = new int[n];
    int[] hint = hinted();
    boolean closed = hint != null && regionsExact(hint) && use(hint);
    if (!closed && n <= REGION_LIMIT && regions != n) {
      // One LP per region: the triangle check is then exact, and the hint's may have been too coarse.
      int[] single = new int[n];
      Arrays.setAll(single, i -> i);
      closed = use(single);
    }
    this.metric = closed;
    if (metric) {
      roundTrips();
    }
  }

  /** Takes regions {@code r}; returns whether the closed form holds over them. */
  private boolean use(int[] r) {
    region = r;
    regions = Arrays.stream(r).max().orElse(-1) + 1;
    members = membersOf(r, regions, place);
    across = new long[regions * regions];
    within = new long[regions][];
    least = new long[regions];
    leastLp = new int[regions];
    second = new long[regions];
    candidates = new int[regions];
    minLatency = NEVER;
    maxLatency = 0;
    latencies();
    return triangle();
  }

  /** The model's region of each LP, renumbered from 0 in order of first LP; null if too many. */
  private int[] hinted() {
    Map<Integer, Integer> ids = new HashMap<>();
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = ids.computeIfAbsent(links.region(i), x -> ids.size());
    }
    return ids.size() <= REGION_LIMIT ? r : null;
  }

  /** Whether every LP of one region reaches every LP of another with one latency, both ways. */
  private boolean regionsExact(int[] r) {
    int m = Arrays.stream(r).max().orElse(-1) + 1;
    long[] seen = new long[m * m];
    Arrays.fill(seen, -1);
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        if (r[a] != r[b]) {
          long d = links.minDelay(a, b);
          int cell = r[a] * m + r[b];
          if (seen[cell] < 0) {
            seen[cell] = d;
          } else if (seen[cell] != d) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /**
   * Groups LPs by {@code r} (each LP's group, 0 to {@code regions} - 1): each group's LPs in id
   * order; {@code place} gets each LP's place in its group.
   */
  static int[][] membersOf(int[] r, int regions, int[] place) {
    int[] size = new int[regions];
    for (int lp = 0; lp < r.length; lp++) {
      place[lp] = size[r[lp]]++;
    }
    int[][] out = new int[regions][];
    for (int g = 0; g < regions; g++) {
      out[g] = new int[size[g]];
    }
    for (int lp = 0; lp < r.length; lp++) {
      out[r[lp]][place[lp]] = lp;
    }
    return out;
  }

  /** Fills {@link #across} and {@link #within} and the least and greatest latency. */
  private void latencies() {
    for (int g = 0; g < regions; g++) {
      for (int h = 0; h < regions; h++) {
        if (g != h) {
          long d = links.minDelay(members[g][0], members[h][0]);
          across[g * regions + h] = d;
          note(d);
        }
      }
      int[] lps = members[g];
      int s = lps.length;
      within[g] = new long[s * s];
      for (int i = 0; i < s; i++) {
        for (int k = 0; k < s; k++) {
          long d = i == k ? NEVER : links.minDelay(lps[i], lps[k]);
          within[g][i * s + k] = d;
          if (i != k) {
            note(d);
          }
        }
      }
    }
  }

  private void note(long d) {
    minLatency = Math.min(minLatency, d);
    maxLatency = Math.max(maxLatency, d);
  }

  /**
   * Whether latency(a, c) <= latency(a, b) + latency(b, c) for all distinct a, b, c, checked per
   * three regions with the greatest latency on the left and the least on the right: exact with
   * one LP per region, and enough with more (a box's dies pass it).
   */
  private boolean triangle() {
    long[] lo = new long[regions * regions];
    long[] hi = new long[regions * regions];
    for (int g = 0; g < regions; g++) {
      for (int h = 0; h < regions; h++) {
        if (g != h) {
          lo[g * regions + h] = across[g * regions + h];
          hi[g * regions + h] = across[g * regions + h];
        } else {
          long min = NEVER;
          long max = -1;
          for (long d : within[g]) {
            if (d != NEVER) {
              min = Math.min(min, d);
              max = Math.max(max, d);
            }
          }
          lo[g * regions + g] = min;
          hi[g * regions + g] = max;
        }
      }
    }
    for (int a = 0; a < regions; a++) {
      for (int b = 0; b < regions; b++) {
        for (int c = 0; c < regions; c++) {
          if (distinctTriple(a, b, c)
              && hi[a * regions + c] > lo[a * regions + b] + lo[b * regions + c]) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** Whether three distinct LPs can lie in regions a, b and c. */
  private boolean distinctTriple(int a, int b, int c) {
    return fits(a, a, b, c) && fits(b, a, b, c) && fits(c, a, b, c);
  }

  private boolean fits(int x, int a, int b, int c) {
    return members[x].length >= (x == a ? 1 : 0) + (x == b ? 1 : 0) + (x == c ? 1 : 0);
  }

  private void roundTrips() {
    for (int j = 0; j < n; j++) {
      int g = region[j];
      long rt = NEVER;
      for (int h = 0; h < regions; h++) {
        if (h != g) {
          rt = Math.min(rt, across[g * regions + h] + across[h * regions + g]);
        }
      }
      int s = members[g].length;
      int i = place[j];
      for (int k = 0; k < s; k++) {
        if (k != i) {
          rt = Math.min(rt, within[g][i * s + k] + within[g][k * s + i]);
        }
      }
      roundTrip[j] = rt;
      long in = -1;
      boolean one = s > 1;
      for (int k = 0; k < s; k++) {
        if (k != i) {
          long d = within[g][k * s + i];
          one &= in < 0 || in == d;
          in = d;
        }
      }
      fromRegion[j] = one ? in : -1;
    }
  }

  /** Whether the closed form applies (see the class comment). */
  boolean metric() {
    return metric;
  }

  /** The number of regions the closed form works over (one per LP when the hint was dropped). */
  int regions() {
    return regions;
  }

  /**
   * Takes this window's send bounds ({@code Long.MAX_VALUE}: the LP cannot send before it
   * receives); {@link #earliestInput} then answers per LP.
   */
  void prepare(long[] sendBound) {
    if (metric) {
      prepareClosedForm(sendBound);
    } else {
      eit = eit == null ? new long[n] : eit;
      dijkstra(sendBound, eit);
    }
  }

  /**
   * Returns LP {@code j}'s earliest input time ({@code Long.MAX_VALUE} if nothing can reach it),
   * or, once that time is known to be at most {@code below}, some time at most {@code below}:
   * an LP whose next event is not before its horizon needs no more than that.
   */
  long earliestInput(int j, long below) {
    if (!metric) {
      return eit[j];
    }
    int g = region[j];
    long best = bound[j] + roundTrip[j];
    for (int i = 0; i < count && best > below; i++) {
      int h = candidates[i];
      if (h != g) {
        best = Math.min(best, least[h] + across[h * regions + g]);
      } else {
        best = Math.min(best, fromOwnRegion(j, g));
      }
    }
    return best >= NEVER ? Long.MAX_VALUE : best;
  }

  /** The earliest a message from another LP of {@code j}'s own region could reach it. */
  private long fromOwnRegion(int j, int g) {
    if (fromRegion[j] >= 0) {
      return (leastLp[g] == j ? second[g] : least[g]) + fromRegion[j];
    }
    int[] lps = members[g];
    long[] lat = within[g];
    int s = lps.length;
    int col = place[j];
    long best = NEVER;
    for (int i = 0; i < s; i++) {
      best = Math.min(best, bound[lps[i]] + lat[i * s + col]);
    }
    return best;
  }

  /**
   * Returns a time that no LP's earliest input time exceeds ({@code Long.MAX_VALUE} when not
   * known): an LP whose next event is not before it cannot be woken, and needs no question.
   */
  long upperBound() {
    return metric && upper < NEVER ? upper : Long.MAX_VALUE;
  }

  /** Fills {@code out} with every LP's earliest input time. */
  void compute(long[] sendBound, long[] out) {
    prepare(sendBound);
    answerAll(out);
  }

  /** The closed form's times (for tests; {@link #compute} uses it whenever {@link #metric}). */
  void closedForm(long[] sendBound, long[] out) {
    prepareClosedForm(sendBound);
    answerAll(out);
  }

  private void answerAll(long[] out) {
    for (int j = 0; j < n; j++) {
      out[j] = earliestInput(j, Long.MIN_VALUE);
    }
  }

  /**
   * As {@link #prepare(long[])}, where only the send bounds of LPs {@code changed} have changed
   * since the last preparation: with the closed form, each change updates its region's least and
   * second-least bounds where it can, and only a region whose least or second-least LP's bound
   * rose is looked at LP by LP again (the same values as a whole pass).
   */
  void prepare(long[] sendBound, BitSet changed) {
    if (!metric || !primed) {
      prepare(sendBound);
      return;
    }
    for (int k = changed.nextSetBit(0); k >= 0; k = changed.nextSetBit(k + 1)) {
      long was = bound[k];
      long now = Math.min(sendBound[k], NEVER);
      bound[k] = now;
      int g = region[k];
      if (now == was || stale.get(g)) {
        continue;
      }
      if (now < least[g]) {
        // Below the region's least: the old least (k's own if k held it) becomes the second.
        if (leastLp[g] != k) {
          second[g] = least[g];
        }
        least[g] = now;
        leastLp[g] = k;
      } else if (leastLp[g] == k ? now > second[g] : was <= second[g] && now > was) {
        // The least LP fell behind another, or an LP that may hold the second least rose.
        stale.set(g);
      } else if (leastLp[g] == k) {
        least[g] = now;
      } else if (now < second[g]) {
        second[g] = now;
      }
    }
    for (int g = stale.nextSetBit(0); g >= 0; g = stale.nextSetBit(g + 1)) {
      least[g] = NEVER;
      second[g] = NEVER;
      for (int k : members[g]) {
        leastOfRegion(g, k, bound[k]);
      }
    }
    stale.clear();
    keepCandidates();
  }

  /** Takes bound {@code b} of LP {@code k}, of region {@code g}, into the region's two least. */
  private void leastOfRegion(int g, int k, long b) {
    if (b < least[g]) {
      second[g] = least[g];
      least[g] = b;
      leastLp[g] = k;
    } else if (b < second[g]) {
      second[g] = b;
    }
  }

  /** Each region's LPs in id order (positions in the set). */
  int[] members(int g) {
    return members[g];
  }

  /** LP {@code j}'s region. */
  int region(int j) {
    return region[j];
  }

  /**
   * Keeps the regions that can matter: every EIT is at most the second-least bound plus the
   * greatest latency (the least-bound LP reaches everyone else, the second-least reaches it), so
   * a region whose least bound plus the least latency is above that reaches no one first.
   */
  private void prepareClosedForm(long[] sendBound) {
    Arrays.fill(least, NEVER);
    Arrays.fill(second, NEVER);
    for (int k = 0; k < n; k++) {
      long b = Math.min(sendBound[k], NEVER);
      bound[k] = b;
      leastOfRegion(region[k], k, b);
    }
    primed = true;
    keepCandidates();
  }

  /** The least and second-least bound over all LPs from the regions', then the candidates. */
  private void keepCandidates() {
    long first = NEVER;
    int firstRegion = -1;
    for (int g = 0; g < regions; g++) {
      if (least[g] < first) {
        first = least[g];
        firstRegion = g;
      }
    }
    long runnerUp = firstRegion < 0 ? NEVER : second[firstRegion];
    for (int g = 0; g < regions; g++) {
      if (g != firstRegion) {
        runnerUp = Math.min(runnerUp, least[g]);
      }
    }
    upper = runnerUp + maxLatency;
    long cut = upper - minLatency;
    int c = 0;
    for (int g = 0; g < regions; g++) {
      candidates[c] = g;
      c += least[g] <= cut ? 1 : 0;
    }
    count = c;
  }

  /** Dijkstra over the LPs from every LP's send bound at once; every latency is > 0. */
  void dijkstra(long[] sendBound, long[] eit) {
    if (into == null) {
      into = new long[n * n];
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < n; k++) {
          into[j * n + k] = j == k ? NEVER : links.minDelay(k, j);
        }
      }
      eot = new long[n];
      done = new boolean[n];
    }
    Arrays.fill(eit, Long.MAX_VALUE);
    for (int i = 0; i < n; i++) {
      eot[i] = sendBound[i];
      done[i] = false;
    }
    for (int round = 0; round < n; round++) {
      int u = -1;
      for (int i = 0; i < n; i++) {
        if (!done[i] && eot[i] != Long.MAX_VALUE && (u < 0 || eot[i] < eot[u])) {
          u = i;
        }
      }
      if (u < 0) {
        break;
      }
      done[u] = true;
      long base = eot[u];
      for (int v = 0; v < n; v++) {
        if (v != u) {
          long t = base + into[v * n + u];
          if (t < eit[v]) {
            eit[v] = t;
            if (t < eot[v]) {
              eot[v] = t;
            }
          }
        }
      }
    }
  }
}
