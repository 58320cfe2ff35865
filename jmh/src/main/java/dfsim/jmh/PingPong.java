package dfsim.jmh;

import dfsim.core.metrics.RunMetrics;
import dfsim.core.protocol.IpiWakeup;
import dfsim.core.sim.LogicalProcess;
import dfsim.core.sim.LpContext;
import dfsim.core.sim.SimMessage;
import dfsim.core.sim.SimModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The smallest coupled model: {@code lps} LPs in a ring, each event answered by one message to the
 * next LP after the link latency. Every window of the actor engine then holds one event, so its
 * cost per event is the cost of a window step.
 */
final class PingPong {
  private PingPong() {}

  static SimModel model(int lps, long latencyNs, long events) {
    List<LogicalProcess> ring = new ArrayList<>();
    for (int i = 0; i < lps; i++) {
      ring.add(new Node(i, lps, latencyNs));
    }
    return new SimModel(ring, (a, b) -> latencyNs, latencyNs, events * latencyNs, 1);
  }

  private static final class Node implements LogicalProcess {
    private final int id;
    private final int lps;
    private final long latencyNs;

    Node(int id, int lps, long latencyNs) {
      this.id = id;
      this.lps = lps;
      this.latencyNs = latencyNs;
    }

    @Override
    public int id() {
      return id;
    }

    @Override
    public void start(LpContext ctx) {
      if (id == 0) {
        ctx.send((id + 1) % lps, latencyNs, new IpiWakeup(0, id, 0));
      }
    }

    @Override
    public void handle(SimMessage message, int sourceLp, LpContext ctx) {
      ctx.send((id + 1) % lps, latencyNs, message);
    }

    @Override
    public void finish(long endTime, RunMetrics metrics) {}
  }
}
