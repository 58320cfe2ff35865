package dfsim.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The 2011 search of the global colour queues (_vm_page_list_find2(), sys/vm/vm_page.c at
 * 85946b6c): the home queue, then i above and i below for i from PQ_L2_SIZE / 2 down to 1,
 * farthest first; each probe counted.
 */
final class PageListFind2011Test {

  @Test
  void probesFarthestFirstAlternatingAboveAndBelow() {
    PageListFind2011 find = new PageListFind2011(64);
    List<Integer> probed = new ArrayList<>();
    assertEquals(-1, find.find(5, q -> {
      probed.add(q);
      return false;
    }));
    // The home queue, then 32 above and below (the same queue), 31 above (36) and below (38), ...
    assertEquals(List.of(5, 37, 37, 36, 38, 35, 39), probed.subList(0, 7));
    assertEquals(List.of(6, 4), probed.subList(probed.size() - 2, probed.size()), "ends next to home");
    assertEquals(64, find.steps(), "two probes for each i from 32 to 1");
  }

  @Test
  void stopsAtTheFirstQueueWithAPage() {
    PageListFind2011 find = new PageListFind2011(64);
    assertEquals(5, find.find(5, q -> q == 5));
    assertEquals(0, find.steps());
    assertEquals(38, find.find(5, q -> q == 38 || q == 6));
    assertEquals(4, find.steps());
  }
}
