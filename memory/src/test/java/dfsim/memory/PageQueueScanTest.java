package dfsim.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * The vm_page_alloc() queue search walked by hand on 16 queues with 8-queue first blocks, as
 * _vm_page_list_find2() does it before and after e3c330f0 (and e32fb2aa5e's fix of the skipped
 * queues): which queues, in which order, and where lastq points after.
 */
final class PageQueueScanTest {

  /** Returns the queues probed, in order, while looking for colour {@code index}. */
  private static List<Integer> probes(PageQueueScan scan, int index, IntPredicate hasPage) {
    List<Integer> seen = new ArrayList<>();
    scan.find(index, q -> {
      seen.add(q);
      return hasPage.test(q);
    });
    return seen.subList(1, seen.size()); // the first test is the home queue
  }

  private static final IntPredicate NONE = q -> false;

  @Test
  void rescanStartsEveryRoundOverAtTheBlockStart() {
    PageQueueScan scan = new PageQueueScan(16, 7, true, false);
    // Round 1: block 8..15 from 10, wrapping; round 2: all 16 from 10 again (rescanning round 1).
    assertEquals(List.of(10, 11, 12, 13, 14, 15, 8, 9,
        10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9), probes(scan, 10, NONE));
    assertEquals(24, scan.steps());
  }

  @Test
  void continuingProbesEachQueueOnce() {
    PageQueueScan scan = new PageQueueScan(16, 7, false, false);
    assertEquals(List.of(10, 11, 12, 13, 14, 15, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7), probes(scan, 10, NONE));
    // An unaligned index: e3c330f0 itself would have probed 14, 15, 0..5 in round 2 and never 8..13.
    assertEquals(List.of(6, 7, 0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15), probes(scan, 6, NONE));
  }

  @Test
  void lastqRemembersAFarHitUntilTheHomeQueueHasPagesAgain() {
    // Queues 8..15 (CPU (1,0,1)'s side) are drained, 0..7 have pages; home colour 10.
    boolean[] pages = new boolean[16];
    for (int q = 0; q < 8; q++) {
      pages[q] = true;
    }
    PageQueueScan scan = new PageQueueScan(16, 7, false, true);
    assertEquals(0, scan.find(10, q -> pages[q]));
    assertEquals(9, scan.steps(), "8 empty probes in 8..15, then queue 0");
    assertEquals(0, scan.lastq(10), "found 8 or more probes afield");

    assertEquals(0, scan.find(10, q -> pages[q]));
    assertEquals(1, scan.steps(), "starts at lastq");
    pages[0] = false;
    assertEquals(1, scan.find(10, q -> pages[q]));
    assertEquals(2, scan.steps());
    assertEquals(0, scan.lastq(10), "a near hit leaves lastq");

    pages[10] = true;
    assertEquals(10, scan.find(10, q -> pages[q]));
    assertEquals(-1, scan.lastq(10), "a home hit clears lastq");
  }

  @Test
  void continuingWithLastqProbesFewerQueuesThanRescanning() {
    boolean[] pages = new boolean[16];
    pages[3] = true;
    PageQueueScan old = new PageQueueScan(16, 7, true, false);
    PageQueueScan neu = new PageQueueScan(16, 7, false, true);
    long oldSteps = 0;
    long newSteps = 0;
    for (int i = 0; i < 10; i++) {
      old.find(12, q -> pages[q]);
      oldSteps += old.steps();
      neu.find(12, q -> pages[q]);
      newSteps += neu.steps();
    }
    assertEquals(10 * 16, oldSteps, "8 in round 1 (12..15, 8..11), then 12..15, 0..3 again each time");
    assertEquals(12 + 9, newSteps, "once 12 probes, then lastq = 3 hits at once");
  }

  @Test
  void firstBlockFollowsTheKernel() {
    assertEquals(15, PageQueueScan.firstBlockMask(2048, 256, true));
    assertEquals(127, PageQueueScan.firstBlockMask(1024, 8, false));
    assertEquals(15, PageQueueScan.firstBlockMask(1024, 64, false));
    assertEquals(7, PageQueueScan.firstBlockMask(1024, 256, false));
    assertEquals(31, PageQueueScan.firstBlockMask(1024, 24, false), "24 CPUs round up to 32");
  }
}
