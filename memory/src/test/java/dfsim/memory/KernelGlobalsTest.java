package dfsim.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dfsim.core.config.Costs;
import dfsim.core.protocol.GlobalLine;
import dfsim.core.protocol.GlobalLine.Global;
import dfsim.core.protocol.GlobalLineDone;
import dfsim.core.sim.ScriptedLp;
import dfsim.core.topology.Topology;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * usched_bsd4's global run queue on node 0 (sys/kern/usched_bsd4.c): bsd4_setrunqueue() queues
 * the CPU's thread and names bsd4_scancpu's CPU; bsd4_select_curproc()'s chooseproc_locked()
 * walks past the other CPUs' threads queued before this CPU's, a step each under bsd4_spin.
 */
final class KernelGlobalsTest {
  @Test
  void bsd4SelectWalksPastOtherCpusThreadsQueuedBeforeItsOwn() {
    OneSocketNode node = new OneSocketNode();
    ScriptedLp home = node.home;
    Topology topo = node.topo;
    Costs cost = node.cost;
    home.at(0, new GlobalLine(1, Global.BSD4_SETRUNQUEUE, 40));
    home.at(1_000, new GlobalLine(2, Global.BSD4_SETRUNQUEUE, 40));
    // CPU 2's thread is behind CPU 1's; then CPU 1's is first; then the queue is empty.
    home.at(2_000, new GlobalLine(2, Global.BSD4_SPIN, 40));
    home.at(3_000, new GlobalLine(1, Global.BSD4_SPIN, 40));
    home.at(4_000, new GlobalLine(3, Global.BSD4_SPIN, 40));
    home.runUntil(10_000);
    List<ScriptedLp.Sent> done = home.sent().stream().filter(m -> m.message() instanceof GlobalLineDone).toList();
    assertEquals(5, done.size());
    // ++bsd4_scancpu at each setrunqueue: CPUs 1 and 2 of 4.
    assertEquals(1, ((GlobalLineDone) done.get(0).message()).scanCpu());
    assertEquals(2, ((GlobalLineDone) done.get(1).message()).scanCpu());
    assertEquals(-1, ((GlobalLineDone) done.get(2).message()).scanCpu());
    long two = done.get(2).delayNs();
    long one = done.get(3).delayNs();
    long three = done.get(4).delayNs();
    // CPU 2 held the line last when it selects (no transfer) and walks past CPU 1's thread;
    // CPUs 1 and 3 take the line from a CPU of their die and walk nothing.
    long transfer = topo.transferNs(2, 1);
    assertEquals(transfer, topo.transferNs(1, 3));
    assertEquals(one, three);
    assertEquals(one - transfer + cost.vmPageScanStepNs(), two);
  }
}
