package dfsim.app;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a run (simulated time reached of the end time) or an experiment (points done of
 * all), on stderr so that stdout keeps its table and digest line: a bar redrawn in place on a
 * terminal, a plain line every few seconds otherwise, nothing for runs shorter than a second.
 */
final class ProgressReporter implements AutoCloseable {
  private static final long FIRST_AFTER_MS = 1000;

  private final Thread thread;
  private final PrintStream out;
  private final boolean terminal;
  private volatile boolean done;
  private boolean drawn;

  /**
   * Reports {@code done} of {@code total} {@code unit}s (simulated ns, or points), with the events
   * delivered so far for a rate, until closed.
   */
  ProgressReporter(String unit, long total, LongSupplier progress, LongSupplier events) {
    this.out = System.err;
    this.terminal = System.console() != null;
    long start = System.nanoTime();
    thread = new Thread(() -> {
      long period = terminal ? 200 : 5000;
      long next = FIRST_AFTER_MS;
      while (!done) {
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        if (elapsedMs >= next) {
          draw(unit, total, progress.getAsLong(), events.getAsLong(), elapsedMs);
          next = elapsedMs + period;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "dfsim-progress");
    thread.setDaemon(true);
    thread.start();
  }

  private synchronized void draw(String unit, long total, long now, long events, long elapsedMs) {
    if (done) {
      return;
    }
    double share = total <= 0 ? 0 : Math.min(1, (double) now / total);
    double eventsPerS = elapsedMs <= 0 ? 0 : events * 1000.0 / elapsedMs;
    String eta = share <= 0 ? "?" : String.format(Locale.ROOT, "%.0fs", elapsedMs * (1 - share) / share / 1000);
    String what = unit.equals("ns")
        ? String.format(Locale.ROOT, "simulated %.3f of %.3f ms", now / 1e6, total / 1e6)
        : String.format(Locale.ROOT, "%d of %d %s", now, total, unit);
    String text = String.format(Locale.ROOT, "%s (%3.0f%%), %,.0f events/s, ETA %s", what, 100 * share,
        eventsPerS, eta);
    if (terminal) {
      int width = 30;
      int filled = (int) Math.round(share * width);
      out.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + text + "   ");
      drawn = true;
    } else {
      out.println("progress: " + text);
    }
    out.flush();
  }

  @Override
  public synchronized void close() {
    done = true;
    thread.interrupt();
    if (drawn) {
      out.print("\r" + " ".repeat(100) + "\r");
      out.flush();
    }
  }
}
