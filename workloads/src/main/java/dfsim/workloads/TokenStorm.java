package dfsim.workloads;

import dfsim.core.config.Settings;
import dfsim.core.program.Op;
import dfsim.core.program.Program;
import dfsim.core.program.ThreadSpec;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code token-storm}: kernel threads at several LWKT priorities repeatedly take one pool token
 * from a hot set, hold it while they work, and release it, with computation in between. The op is
 * one get + hold + release; its latency includes every spin and switch spent winning the token.
 * Pool tokens are indexed by address modulo 4001 in the kernel; here the hot set is pool indices
 * 0..tokens-1, so token i lives on socket i mod sockets.
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
    if (priorities.isEmpty()) {
      throw Settings.bad(k + "priorities", "[]", "a non-empty list of LWKT priorities in [0, 31]");
    }
    List<ThreadSpec> threads = new ArrayList<>();
    for (int tid = 0; tid < place.totalThreads(); tid++) {
      threads.add(new ThreadSpec(tid, tid / place.threadsPerProcess(), priorities.get(tid % priorities.size()),
          place.cpuOf(tid)));
    }
    return new WorkloadPlan("token-storm", OP, threads, List.of(),
        spec -> new Loop(tokens, holdNs, computeNs));
  }

  /** compute, then (get a random hot token, hold it, release it) as one op, forever. */
  static final class Loop implements Program {
    private final int tokens;
    private final long holdNs;
    private final long computeNs;
    private int step;
    private int token;

    Loop(int tokens, long holdNs, long computeNs) {
      this.tokens = tokens;
      this.holdNs = holdNs;
      this.computeNs = computeNs;
    }

    @Override
    public Op next(long now, SplittableRandom random) {
      switch (step++) {
        case 0:
          return new Op.Compute(Exponential.draw(computeNs, random));
        case 1:
          return new Op.Begin(OP);
        case 2:
          token = random.nextInt(tokens);
          return new Op.GetToken(token);
        case 3:
          return new Op.Compute(Exponential.draw(holdNs, random));
        case 4:
          return new Op.RelToken(token);
        default:
          step = 0;
          return new Op.End(OP);
      }
    }
  }
}
