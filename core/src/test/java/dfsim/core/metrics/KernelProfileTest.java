package dfsim.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A CPU's profile attributes each interval to its frame (spins to a leaf under it, idle to idle);
 * its timeline keeps the intervals inside the window, merges a frame's adjacent ones, and stops
 * where its slices run out, saying where. IPI arrows inside the window take slices from the same
 * budget; a counter trace keeps a sample per change from the window's start.
 */
final class KernelProfileTest {
  @Test
  void intervalsGoToTheirFramesAndTheWindowIsCutWhenItsSlicesRunOut() {
    KernelProfile p = new KernelProfile();
    p.trace(100, 1000, 3);
    int fault = p.child(p.child(KernelProfile.ROOT, "trap"), "vm_fault");
    p.moveTo(fault, CpuState.IDLE, 50);        // 0..50 idle
    p.spinOn("vm_map");
    p.account(CpuState.BUSY, 150);             // 50..150 in vm_fault
    p.account(CpuState.BUSY, 200);             // 150..200 in vm_fault: merged with the slice before
    p.account(CpuState.SPIN, 400);             // 200..400 spinning in vm_fault
    p.moveTo(KernelProfile.ROOT, CpuState.BUSY, 500); // 400..500 in vm_fault
    p.account(CpuState.BUSY, 600);             // 500..600 unattributed: a fourth slice, cut
    assertEquals(Map.of("idle", 50L, "trap;vm_fault", 250L, "trap;vm_fault;spin:vm_map", 200L,
        KernelProfile.UNATTRIBUTED, 100L), p.folded());
    KernelProfile.Timeline t = p.timeline();
    assertEquals(List.of("trap;vm_fault", "trap;vm_fault;spin:vm_map"), t.stacks());
    assertArrayEquals(new long[] {100, 200, 400}, t.start());
    assertArrayEquals(new long[] {200, 400, 500}, t.end());
    assertArrayEquals(new int[] {0, 1, 0}, t.stack());
    assertArrayEquals(new int[] {-1, -1, -1}, t.thread());
    assertEquals(500, t.cutAtNs());
  }

  @Test
  void arrowsInsideTheWindowShareTheSlicesAndCutItWhenTheyRunOut() {
    KernelProfile p = new KernelProfile();
    p.trace(100, 1000, 3);
    int fault = p.child(KernelProfile.ROOT, "trap");
    p.moveTo(fault, CpuState.BUSY, 0);
    p.flow("ipi: a", 3, 90, 150);              // sent before the window: no arrow
    p.flow("ipi: b", 5, 120, 160);             // an arrow
    p.account(CpuState.SPIN, 200);             // 100..200 spinning in trap: a slice
    p.flow("ipi: c", 7, 210, 250);             // slices + arrows + 1 = 3: no room, cut at 250
    p.account(CpuState.BUSY, 300);             // 200..250 in trap: the slice kept for it
    p.account(CpuState.BUSY, 400);             // after the cut
    KernelProfile.Timeline t = p.timeline();
    assertArrayEquals(new long[] {100, 200}, t.start());
    assertArrayEquals(new long[] {200, 250}, t.end());
    assertEquals(250, t.cutAtNs());
    assertArrayEquals(new String[] {"ipi: b"}, t.flows().name());
    assertArrayEquals(new int[] {5}, t.flows().from());
    assertArrayEquals(new long[] {120}, t.flows().sentNs());
    assertArrayEquals(new long[] {160}, t.flows().arrivedNs());
  }

  @Test
  void aCounterTraceStartsAtTheWindowAndKeepsTheLastChangeOfEachNanosecond() {
    CounterTrace c = new CounterTrace(100, 1000, 4, 50);
    c.set(49, 10);                             // before the window: the value it opens with
    c.set(48, 150);
    c.set(47, 150);                            // the same ns: the last value stays
    c.set(47, 160);                            // no change, no sample
    c.set(48, 170);
    c.set(49, 180);
    c.set(40, 190);                            // a fifth sample: cut at 190
    c.set(41, 200);
    CounterTrace.Samples s = c.samples();
    assertArrayEquals(new long[] {100, 150, 170, 180}, s.ns());
    assertArrayEquals(new long[] {49, 47, 48, 49}, s.values());
    assertEquals(190, s.cutAtNs());
    assertEquals(-1, new CounterTrace(100, 1000, 4, 7).samples().cutAtNs());
    assertArrayEquals(new long[] {7}, new CounterTrace(100, 1000, 4, 7).samples().values());
  }
}
