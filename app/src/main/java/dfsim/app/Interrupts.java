package dfsim.app;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * What Ctrl-C (SIGINT) and SIGTERM do to a command (docs/reference.md, Outputs): the JVM's one
 * shutdown hook waits for any output file being written to be complete, stops this JVM's worker
 * JVMs, lets the command keep what it has finished (an experiment's results.csv of its finished
 * runs), prints one line saying what was interrupted and what was kept, and exits 130.
 *
 * <p>Output files are written under {@link #writing()}'s read lock; the hook takes the write
 * lock and never gives it back, so no file is begun after it and none is left half-written.
 */
final class Interrupts {
  /** The exit status of an interrupted command, as a shell reports SIGINT. */
  static final int EXIT = 130;

  private static final ReentrantReadWriteLock WRITES = new ReentrantReadWriteLock();
  private static final List<Runnable> CLEANUPS = new CopyOnWriteArrayList<>();
  private static volatile Supplier<String> onInterrupt = () -> "interrupted; nothing written";
  private static volatile boolean installed;
  private static volatile boolean finished;
  private static volatile boolean interrupted;

  private Interrupts() {}

  /** Installs the hook; only the command-line entry point does, never a test calling a command. */
  static synchronized void install() {
    if (!installed) {
      installed = true;
      Runtime.getRuntime().addShutdownHook(new Thread(Interrupts::onSignal, "dfsim-interrupt"));
    }
  }

  /** Says the command has ended by itself: the JVM's exit that follows is no interrupt. */
  static void finished() {
    finished = true;
  }

  /**
   * Sets what an interrupt keeps and says: the supplier does the keeping and returns the line
   * (null: say nothing, for a worker JVM whose parent speaks).
   */
  static void onInterrupt(Supplier<String> keepAndDescribe) {
    onInterrupt = keepAndDescribe;
  }

  /** Adds a cleanup run on an interrupt before the line is printed (stopping child JVMs). */
  static Runnable addCleanup(Runnable r) {
    CLEANUPS.add(r);
    return () -> CLEANUPS.remove(r);
  }

  /** Returns whether an interrupt is being handled. */
  static boolean interrupted() {
    return interrupted;
  }

  /**
   * Blocks for good when an interrupt is being handled, so that a command's failure path (a
   * worker JVM stopped by the hook looks lost) prints nothing: the hook ends the JVM.
   */
  static void parkIfInterrupted() {
    while (interrupted) {
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The lock every output file is written under (shared by writers; the hook takes it whole). */
  static ReentrantReadWriteLock.ReadLock writing() {
    return WRITES.readLock();
  }

  /** Returns "12.5 ms of 50 ms": how far a run got. */
  static String simulated(long ns, long endNs) {
    return String.format(java.util.Locale.ROOT, "%.3f ms of %.3f ms", ns / 1e6, endNs / 1e6);
  }

  private static void onSignal() {
    if (finished) {
      return;
    }
    interrupted = true;
    boolean quiet;
    try {
      quiet = !WRITES.writeLock().tryLock(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      quiet = true;
    }
    for (Runnable r : CLEANUPS) {
      try {
        r.run();
      } catch (RuntimeException ignored) {
        // the next cleanup and the line still matter more
      }
    }
    String line;
    try {
      line = quiet ? "interrupted while writing an output file that did not finish in 30 s" : onInterrupt.get();
    } catch (RuntimeException e) {
      line = "interrupted; keeping what was finished failed: " + Main.describe(e);
    }
    System.out.flush();
    if (line != null) {
      System.err.println("dfsim: " + line);
    }
    System.err.flush();
    Runtime.getRuntime().halt(EXIT);
  }
}
