package dfsim.core.program;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every process's pm_active in one pass is what asking per process gives. */
final class WorkloadPlanTest {
  @Test
  void pmActiveAllEqualsPmActivePerProcess() {
    // 40 threads of 7 processes at random on 12 CPUs, some sharing a CPU; process 5 has none.
    SplittableRandom r = new SplittableRandom(9);
    List<ThreadSpec> threads = new ArrayList<>();
    for (int tid = 0; tid < 40; tid++) {
      int pid = r.nextInt(7);
      threads.add(new ThreadSpec(tid, pid == 5 ? 6 : pid, ThreadSpec.TDPRI_USER_NORM, r.nextInt(12)));
    }
    WorkloadPlan plan = new WorkloadPlan("t", "op", threads, List.of(), spec -> null);
    int[][] all = plan.pmActiveAll();
    assertEquals(7, all.length);
    for (int pid = 0; pid < 7; pid++) {
      assertArrayEquals(plan.pmActive(pid), all[pid], "process " + pid);
    }
    assertEquals(0, all[5].length);
  }
}
