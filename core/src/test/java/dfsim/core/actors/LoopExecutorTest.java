package dfsim.core.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The one-thread executor runs every task once, in order per submitter, and stops cleanly. */
final class LoopExecutorTest {

  @Test
  void runsTasksFromItsOwnThreadAndFromOthersThenStops() throws Exception {
    LoopExecutor ex = new LoopExecutor(Thread::new);
    List<Integer> order = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    // A task on the loop thread submits a chain of tasks there, as a mailbox does.
    ex.execute(() -> {
      for (int i = 0; i < 1_000; i++) {
        int k = i;
        ex.execute(() -> order.add(k));
      }
      ex.execute(done::countDown);
    });
    assertTrue(done.await(10, TimeUnit.SECONDS));
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      expected.add(i);
    }
    assertEquals(expected, order);

    // Many threads at once: every task runs exactly once.
    AtomicInteger ran = new AtomicInteger();
    CountDownLatch all = new CountDownLatch(4 * 10_000);
    List<Thread> submitters = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread s = new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          ex.execute(() -> {
            ran.incrementAndGet();
            all.countDown();
          });
        }
      });
      submitters.add(s);
      s.start();
    }
    for (Thread s : submitters) {
      s.join();
    }
    assertTrue(all.await(10, TimeUnit.SECONDS));
    assertEquals(40_000, ran.get());

    ex.shutdown();
    assertTrue(ex.awaitTermination(10, TimeUnit.SECONDS));
    assertTrue(ex.isTerminated());
    assertThrows(RejectedExecutionException.class, () -> ex.execute(() -> {}));
  }
}
