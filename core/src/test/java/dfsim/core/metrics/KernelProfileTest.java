package dfsim.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A CPU's profile attributes each interval to its frame (spins to a leaf under it, idle to idle);
 * its timeline keeps the intervals inside the window, merges a frame's adjacent ones, and stops
 * where its slices run out, saying where.
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
}
