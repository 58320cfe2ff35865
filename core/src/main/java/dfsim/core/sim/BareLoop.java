package dfsim.core.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The limit of an event loop for a model: the model's own events, recorded once from a sequential
 * run with who posted what, then replayed through the same {@link EventCalendar} with handlers that
 * do nothing. Each replayed event is dispatched to its target's handler as in the engine, and
 * an event posts what it posted in the real run; so what the replay costs is
 * the queue and the loop, and what the sequential engine costs beyond it is the model's work.
 */
public final class BareLoop {
  /** The message every replayed event carries. */
  private enum Nothing implements SimMessage { INSTANCE }

  /** A handler that does nothing, one per LP, called through an interface as LPs are. */
  private interface Handler {
    void handle(SimMessage m, int source);
  }

  private final long endTimeNs;
  private final long[] time;
  private final int[] source;
  private final int[] target;
  /** Events posted while handling event i are firstChild[i] .. firstChild[i] + children[i] - 1. */
  private final int[] firstChild;
  private final int[] children;
  /** Events posted by the LPs' start(), before any event. */
  private final int roots;
  private final Handler[] handlers;

  private BareLoop(long endTimeNs, long[] time, int[] source, int[] target, int[] firstChild, int[] children,
      int roots, int lps) {
    this.endTimeNs = endTimeNs;
    this.time = time;
    this.source = source;
    this.target = target;
    this.firstChild = firstChild;
    this.children = children;
    this.roots = roots;
    this.handlers = new Handler[lps];
    for (int i = 0; i < lps; i++) {
      handlers[i] = (m, s) -> { };
    }
  }

  /** Runs {@code model} sequentially once, recording every event and the event that posted it. */
  public static BareLoop record(SimModel model) {
    // An event is known by (source, sequence) until it is delivered; then by its posting index.
    Map<Long, Integer> index = new HashMap<>();
    List<long[]> posted = new ArrayList<>();
    List<Integer> parentOf = new ArrayList<>();
    int[] current = {-1};
    EventCalendar queue = new EventCalendar();
    LpRuntime[] runtimes = new LpRuntime[model.lps().size()];
    for (LogicalProcess lp : model.lps()) {
      runtimes[lp.id()] = new LpRuntime(lp, model, (t, source, sequence, target, m) -> {
        index.put(EventHeap.key(source, sequence), posted.size());
        posted.add(new long[] {t, source, target});
        parentOf.add(current[0]);
        queue.add(t, source, sequence, target, m);
      });
    }
    for (LpRuntime rt : runtimes) {
      rt.start();
    }
    long t;
    while ((t = queue.peekTime()) < model.endTimeNs()) {
      int source = queue.peekSource();
      current[0] = index.remove(queue.peekKey());
      int target = queue.peekTarget();
      SimMessage m = queue.peekMessage();
      queue.pop();
      runtimes[target].deliver(t, source, m);
    }
    // Events are numbered in posting order: the roots (posted by start()) first, and the events
    // one delivery posted form one contiguous range.
    int n = posted.size();
    long[] time = new long[n];
    int[] source = new int[n];
    int[] target = new int[n];
    int[] firstChild = new int[n];
    int[] children = new int[n];
    int roots = 0;
    for (int i = 0; i < n; i++) {
      time[i] = posted.get(i)[0];
      source[i] = (int) posted.get(i)[1];
      target[i] = (int) posted.get(i)[2];
      int p = parentOf.get(i);
      if (p < 0) {
        roots++;
      } else if (children[p]++ == 0) {
        firstChild[p] = i;
      }
    }
    return new BareLoop(model.endTimeNs(), time, source, target, firstChild, children, roots, model.lps().size());
  }

  /**
   * Replays the recorded events; returns how many were delivered (the sequential engine's count).
   * The global posting index rides in the sequence field: it orders events of one source as
   * their own sequence numbers did, so the replay pops events in the engine's order.
   */
  public long run() {
    EventCalendar queue = new EventCalendar();
    for (int k = 0; k < roots; k++) {
      queue.add(time[k], source[k], k, target[k], Nothing.INSTANCE);
    }
    long events = 0;
    long t;
    while ((t = queue.peekTime()) < endTimeNs) {
      int i = (int) queue.peekSequence();
      handlers[queue.peekTarget()].handle(queue.peekMessage(), queue.peekSource());
      queue.pop();
      for (int k = firstChild[i], last = k + children[i]; k < last; k++) {
        queue.add(time[k], source[k], k, target[k], Nothing.INSTANCE);
      }
      events++;
    }
    return events;
  }
}
