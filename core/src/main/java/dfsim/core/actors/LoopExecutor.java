package dfsim.core.actors;

import com.typesafe.config.Config;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

/**
 * The one-thread executor of the actor engine's dispatcher. Nearly every task it gets is an
 * actor's mailbox, scheduled by another actor on the same thread; a fork-join pool makes each of
 * those a fenced push plus a look for idle workers, which profiles showed as a seventh of a
 * window's cost. Here a task submitted by the loop thread itself goes into a plain queue that
 * only that thread touches; tasks from other threads (the run's start, Pekko's timers) go
 * through a concurrent queue and unpark the loop. Tasks run in submission order per queue.
 */
final class LoopExecutor extends AbstractExecutorService {
  private final Thread thread;
  private final ArrayDeque<Runnable> local = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<Runnable> external = new ConcurrentLinkedQueue<>();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile boolean shutdown;

  LoopExecutor(ThreadFactory threads) {
    this.thread = threads.newThread(this::loop);
    thread.start();
  }

  /** Selected by {@code executor = "dfsim.core.actors.LoopExecutor$Configurator"}. */
  public static final class Configurator extends ExecutorServiceConfigurator {
    public Configurator(Config config, DispatcherPrerequisites prerequisites) {
      super(config, prerequisites);
    }

    @Override
    public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threads) {
      return () -> new LoopExecutor(threads);
    }
  }

  @Override
  public void execute(Runnable task) {
    if (Thread.currentThread() == thread) {
      local.add(task);
      return;
    }
    if (shutdown) {
      throw new RejectedExecutionException("the actor engine's executor has shut down");
    }
    external.add(task);
    LockSupport.unpark(thread);
  }

  private void loop() {
    try {
      while (true) {
        Runnable task = local.poll();
        if (task == null) {
          task = external.poll();
        }
        if (task != null) {
          run(task);
        } else if (shutdown) {
          return;
        } else {
          // execute() unparks after adding, so a task added after the polls above ends the park.
          LockSupport.park(this);
        }
      }
    } finally {
      terminated.countDown();
    }
  }

  private void run(Runnable task) {
    try {
      task.run();
    } catch (Throwable t) {
      // A mailbox handles its actor's failures itself; anything reaching here is Pekko's own.
      Thread.UncaughtExceptionHandler h = thread.getUncaughtExceptionHandler();
      if (h != null) {
        h.uncaughtException(thread, t);
      }
    }
  }

  @Override
  public void shutdown() {
    shutdown = true;
    LockSupport.unpark(thread);
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown();
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return terminated.getCount() == 0;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }
}
