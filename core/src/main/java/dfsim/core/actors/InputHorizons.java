package dfsim.core.actors;

import dfsim.core.sim.SimModel;
import java.util.Arrays;

/**
 * Each LP's earliest input time (EIT): the earliest any message, including a reply to one of its
 * own, could reach it. EIT(j) = min over k != j of EOT(k) + latency(k, j), where EOT(k) =
 * min(k's send bound, EIT(k)) since an LP may answer a message at once. That is a shortest-path
 * closure over the LPs, computed once per window.
 *
 * <p>When the link latencies obey the triangle inequality (they do whenever the configured
 * cache-line latencies grow with distance, as on every real box), no path beats the direct
 * link, so the closure has a closed form: EIT(j) = min(min over k != j of bound(k) +
 * latency(k, j), bound(j) + the shortest round trip from j), and only LPs whose bounds are near
 * the least can be the k that wins. That is a scan of n times a few LPs per window instead of
 * Dijkstra's n^2 selection loop. Otherwise Dijkstra runs. Both give the same times.
 */
final class InputHorizons {
  /** Stands for "never" inside the sums: adding two of them cannot overflow. */
  private static final long NEVER = Long.MAX_VALUE / 4;

  private final int n;
  /** into[j * n + k] = least delay from k to j; NEVER on the diagonal. */
  private final long[] into;
  /** The shortest round trip j -> k -> j over k != j. */
  private final long[] roundTrip;
  private final boolean metric;
  private final long minLatency;
  private final long maxLatency;
  private final int[] candidates;
  private int count;
  /** No LP's earliest input time is above this (see {@link #prepareClosedForm}). */
  private long upper = Long.MAX_VALUE;
  /** Dijkstra's times, when the closed form does not apply. */
  private final long[] eit;
  private final long[] bound;
  private final long[] eot;
  private final boolean[] done;

  InputHorizons(SimModel model) {
    this.n = model.lps().size();
    this.into = new long[n * n];
    this.roundTrip = new long[n];
    this.bound = new long[n];
    this.eot = new long[n];
    this.done = new boolean[n];
    this.candidates = new int[n];
    this.eit = new long[n];
    long min = NEVER;
    long max = 0;
    for (int j = 0; j < n; j++) {
      for (int k = 0; k < n; k++) {
        into[j * n + k] = j == k ? NEVER : model.minDelay(k, j);
        if (j != k) {
          min = Math.min(min, into[j * n + k]);
          max = Math.max(max, into[j * n + k]);
        }
      }
    }
    for (int j = 0; j < n; j++) {
      long rt = NEVER;
      for (int k = 0; k < n; k++) {
        if (k != j) {
          rt = Math.min(rt, into[k * n + j] + into[j * n + k]);
        }
      }
      roundTrip[j] = rt;
    }
    this.minLatency = min;
    this.maxLatency = max;
    this.metric = triangle();
  }

  /** Whether latency(a, c) <= latency(a, b) + latency(b, c) for all distinct a, b, c. */
  private boolean triangle() {
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        for (int c = 0; c < n; c++) {
          if (a != b && b != c && a != c && into[c * n + a] > into[b * n + a] + into[c * n + b]) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** Whether the closed form applies (see the class comment). */
  boolean metric() {
    return metric;
  }

  /**
   * Takes this window's send bounds ({@code Long.MAX_VALUE}: the LP cannot send before it
   * receives); {@link #earliestInput} then answers per LP.
   */
  void prepare(long[] sendBound) {
    if (metric) {
      prepareClosedForm(sendBound);
    } else {
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
    long best = bound[j] + roundTrip[j];
    int row = j * n;
    for (int i = 0; i < count && best > below; i++) {
      int k = candidates[i];
      best = Math.min(best, bound[k] + into[row + k]);
    }
    return best >= NEVER ? Long.MAX_VALUE : best;
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
   * Keeps the LPs that can matter: every EIT is at most the second-least bound
   * plus the greatest latency (the least-bound LP reaches everyone else, the second-least reaches
   * it), so an LP whose bound plus the least latency is above that reaches no one first.
   */
  private void prepareClosedForm(long[] sendBound) {
    // Branch-free passes: with a few LPs per window a mispredicted branch costs more than a scan.
    long least = NEVER;
    long second = NEVER;
    for (int k = 0; k < n; k++) {
      long b = Math.min(sendBound[k], NEVER);
      bound[k] = b;
      second = Math.min(second, Math.max(least, b));
      least = Math.min(least, b);
    }
    upper = second + maxLatency;
    long cut = upper - minLatency;
    int c = 0;
    for (int k = 0; k < n; k++) {
      candidates[c] = k;
      c += bound[k] <= cut ? 1 : 0;
    }
    count = c;
  }

  /** Dijkstra over the LPs from every LP's send bound at once; every latency is > 0. */
  void dijkstra(long[] sendBound, long[] eit) {
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
