package dfsim.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dfsim.core.config.VmPageSettings;
import dfsim.core.config.VmPageSettings.PageHash;
import org.junit.jupiter.api.Test;

/** vm_page_hash[] before and after e3c330f0, walked by hand against vm_page.c's arithmetic. */
final class VmPageHashTest {
  private static final long A = VmPageSettings.objectAddress(0);
  private static final long B = VmPageSettings.objectAddress(1);

  @Test
  void sizesFollowTheKernel() {
    assertEquals(65_536, VmPageHash.of(PageHash.DIRECT, 65_536).entries());
    assertEquals(65_536L * 8, VmPageHash.of(PageHash.DIRECT, 65_536).kernelBytes());
    // set4: at least 4096, doubled while below npages/16, at most 1M.
    assertEquals(4096, VmPageHash.of(PageHash.SET4, 1000).entries());
    assertEquals(4096, VmPageHash.of(PageHash.SET4, 65_536).entries());
    assertEquals(8192, VmPageHash.of(PageHash.SET4, 65_537 * 2).entries());
    assertEquals(1 << 20, VmPageHash.of(PageHash.SET4, 1 << 30).entries());
    assertEquals(4096L * 16, VmPageHash.of(PageHash.SET4, 65_536).kernelBytes());
  }

  @Test
  void directMappedLastWriterWinsBetweenAdjacentObjects() {
    VmPageHash h = VmPageHash.of(PageHash.DIRECT, 65_536);
    h.enter(A, 0, 256, 1000, 1);
    assertEquals(1000, h.get(A, 0, 256, 1000, 1));
    // Object B's struct is 256 bytes further: its pindex 0 lands on A's pindex 256.
    h.enter(B, 0, 0, 2000, 1);
    assertEquals(2000, h.get(B, 0, 0, 2000, 1));
    assertEquals(-1, h.get(A, 0, 256, 1000, 1));
    // A page no longer resident there (freed, or moved) misses even if its slot still names it.
    assertEquals(-1, h.get(B, 0, 0, 2001, 1));
    assertEquals(-1, h.get(B, 0, 0, -1, 1));
  }

  @Test
  void set4KeepsFourWaysAndReplacesTheOldestByTicks() {
    VmPageHash h = VmPageHash.of(PageHash.SET4, 65_536);
    // pindex p and p + 1024 share a set (pindex << 2, masked to 4096 entries).
    int[] pages = {10, 11, 12, 13, 14};
    for (int i = 0; i < 4; i++) {
      h.enter(A, 0, 7 + 1024 * i, pages[i], 5 + i);
    }
    for (int i = 0; i < 4; i++) {
      assertEquals(pages[i], h.get(A, 0, 7 + 1024 * i, pages[i], 9));
    }
    // Touches refreshed all four at tick 9; touch three again at 12 so way 1 is the oldest.
    h.get(A, 0, 7, 10, 12);
    h.get(A, 0, 7 + 2048, 12, 12);
    h.get(A, 0, 7 + 3072, 13, 12);
    h.enter(A, 0, 7 + 4096, 14, 13);
    assertEquals(-1, h.get(A, 0, 7 + 1024, 11, 13));
    assertEquals(14, h.get(A, 0, 7 + 4096, 14, 13));
    assertEquals(10, h.get(A, 0, 7, 10, 13));
    // Entering a page already in its set only refreshes it.
    h.enter(A, 0, 7, 10, 20);
    assertEquals(12, h.get(A, 0, 7 + 2048, 12, 20));
  }

  @Test
  void set4EmptyWaysAreOlderThanAnyStampAndTiesKeepTheLowerWay() {
    VmPageHash h = VmPageHash.of(PageHash.SET4, 65_536);
    // Within one tick the four ways fill in order, then the fifth replaces way 0.
    for (int i = 0; i < 5; i++) {
      h.enter(A, 0, 3 + 1024 * i, 100 + i, 1);
    }
    assertEquals(-1, h.get(A, 0, 3, 100, 1));
    for (int i = 1; i < 5; i++) {
      assertEquals(100 + i, h.get(A, 0, 3 + 1024 * i, 100 + i, 1));
    }
  }

  @Test
  void set4MixesTheObjectColourSoAdjacentObjectsDoNotCollide() {
    VmPageHash h = VmPageHash.of(PageHash.SET4, 65_536);
    for (int p = 0; p < 512; p++) {
      h.enter(A, 0, p, p, 1);
      h.enter(B, 372, p, 10_000 + p, 1);
    }
    for (int p = 0; p < 512; p++) {
      assertEquals(p, h.get(A, 0, p, p, 1));
      assertEquals(10_000 + p, h.get(B, 372, p, 10_000 + p, 1));
    }
  }
}
