package dfsim.workloads;

import dfsim.core.config.Settings;
import dfsim.core.program.Op;
import dfsim.core.program.Program;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.topology.Topology;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code token-storm}: kernel threads at several LWKT priorities repeatedly take one pool token
 * from a hot set, hold it while they work, and release it, with computation in between. The op is
 * one get + hold + release; its latency includes every spin and switch spent winning the token.
 * Pool tokens are indexed by address modulo 4001 in the kernel; here the hot set is pool indices
 * 0..tokens-1, so token i lives on socket i mod sockets. With {@code handoff}, threads 2i and
 * 2i+1 take turns: each op ends with a wakeup() of the partner (an IPI when it lives on another
 * CPU) and a tsleep() until the partner's wakeup.
 *
 * <p>Not a program: its threads run at several priorities, and the hand-off pairs' wakeup() and
 * tsleep() until woken are no program steps.
 */
public final class TokenStorm {
  public static final String OP = "token";
  /** LWKT_NUM_POOL_TOKENS (sys/kern/lwkt_token.c). */
  public static final int POOL_TOKENS = 4001;

  private TokenStorm() {}

  /** Builds the plan from {@code workload.*}. */
  public static WorkloadPlan plan(Settings s, Topology topo) {
    Placement place = Placement.from(s, topo);
    String k = "workload.token-storm.";
    int tokens = s.intIn(k + "tokens", 1, POOL_TOKENS);
    long holdNs = s.durationNs(k + "hold", 0, 1_000_000_000L);
    long computeNs = s.durationNs(k + "compute", 0, 1_000_000_000L);
    List<Integer> priorities = s.intList(k + "priorities", 0, 31);
    boolean handoff = s.bool(k + "handoff");
    if (priorities.isEmpty()) {
      throw Settings.bad(k + "priorities", "[]", "a non-empty list of LWKT priorities in [0, 31]");
    }
    return new WorkloadPlan("token-storm", OP, place.threads(tid -> priorities.get(tid % priorities.size())), List.of(),
        spec -> new Loop(tokens, holdNs, computeNs, handoff ? partner(spec.tid(), place.totalThreads()) : -1,
            spec.tid() % 2 == 1));
  }

  /** Returns thread {@code tid}'s hand-off partner (tid xor 1), or -1 when it has none. */
  private static int partner(int tid, int threads) {
    int p = tid ^ 1;
    return p < threads ? p : -1;
  }

  /**
   * compute, then (get a random hot token, hold it, release it) as one op, forever; with a
   * hand-off partner, after each op wake the partner and block until it wakes this thread (the
   * odd thread of a pair blocks first).
   */
  static final class Loop implements Program {
    private final int tokens;
    private final long holdNs;
    private final long computeNs;
    private final int partner;
    private boolean waitFirst;
    private int step;
    private int token;

    Loop(int tokens, long holdNs, long computeNs, int partner, boolean waitFirst) {
      this.tokens = tokens;
      this.holdNs = holdNs;
      this.computeNs = computeNs;
      this.partner = partner;
      this.waitFirst = waitFirst && partner >= 0;
    }

    @Override
    public Op next(long now, SplittableRandom random) {
      if (waitFirst) {
        waitFirst = false;
        return new Op.Block();
      }
      switch (step++) {
        case 0:
          return new Op.Compute(Exponential.draw(computeNs, random));
        case 1:
          return new Op.Begin(OP);
        case 2:
          token = random.nextInt(tokens);
          return new Op.GetToken(token);
        case 3:
          return new Op.Compute(Exponential.draw(holdNs, random), Op.Compute.UNDER_TOKEN);
        case 4:
          return new Op.RelToken(token);
        case 5:
          if (partner < 0) {
            step = 0;
          }
          return new Op.End(OP);
        case 6:
          return new Op.Wakeup(partner);
        default:
          step = 0;
          return new Op.Block();
      }
    }
  }
}
