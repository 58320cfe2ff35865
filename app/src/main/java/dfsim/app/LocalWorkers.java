package dfsim.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Worker JVMs ({@code dfsim node}) this JVM starts on 127.0.0.1 for {@code cluster} and
 * {@code experiment --nodes}. They end with this JVM: {@link #close} waits for them to leave and
 * stops any that do not, a shutdown hook (and {@link Interrupts}' hook, which ends the JVM
 * first) stops them on Ctrl-C, and each watches its stdin, a pipe
 * from here, so that they exit even if this JVM is killed outright.
 */
final class LocalWorkers implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private final Thread hook = new Thread(this::kill, "dfsim-stop-workers");
  private final Runnable unregister = Interrupts.addCleanup(this::kill);

  private LocalWorkers() {}

  /** Starts {@code n} workers joining {@code seed}, each with {@code threads} dispatcher threads. */
  static LocalWorkers start(int n, String seed, int threads, Duration joinTimeout) {
    LocalWorkers w = new LocalWorkers();
    Runtime.getRuntime().addShutdownHook(w.hook);
    List<String> jvm = ChildJvm.inherited(true);
    List<String> args = List.of("node", "--seed", seed, "--bind", "127.0.0.1:0", "--threads",
        String.valueOf(threads), "--join-timeout", String.valueOf(joinTimeout.toSeconds()), "--exit-with-parent");
    try {
      for (int i = 0; i < n; i++) {
        w.processes.add(new ProcessBuilder(ChildJvm.command(jvm, args))
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start());
      }
    } catch (IOException e) {
      w.close();
      throw new UncheckedIOException("cannot start a worker JVM", e);
    }
    return w;
  }

  /** Returns the workers' process ids. */
  List<Long> pids() {
    return processes.stream().map(Process::pid).toList();
  }

  /** Waits up to 10 s for the workers to leave, then stops those still running. */
  @Override
  public void close() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (Process p : processes) {
      try {
        p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    kill();
    unregister.run();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs kill() anyway
    }
  }

  /** Stops every worker still running: SIGTERM, then SIGKILL after 5 s. */
  private void kill() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
      }
    }
  }
}
