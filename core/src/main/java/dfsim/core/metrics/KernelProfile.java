package dfsim.core.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One CPU's simulated-kernel profile: every nanosecond of the run attributed to a stack of kernel
 * functions, as the model walks them. The model moves the CPU's current frame as its paths enter
 * and leave functions; the meter closes an interval at every frame or state change. Busy time goes
 * to the current frame, spin time to a {@code spin:<what>} leaf under it, idle time to
 * {@code idle}. Time in no frame at all (a path that forgot to enter one) goes to
 * {@link #UNATTRIBUTED}, so that the stacks always sum to the simulated time and a test can
 * demand that none is left there.
 */
public final class KernelProfile {
  /** The frame below every stack: time spent here was attributed to no function. */
  public static final int ROOT = 0;
  /** The name of {@link #ROOT} in the folded output. */
  public static final String UNATTRIBUTED = "[unattributed]";

  private final List<String> names = new ArrayList<>();
  private final List<Integer> parents = new ArrayList<>();
  private final List<Map<String, Integer>> children = new ArrayList<>();
  private long[] selfNs = new long[64];
  /** Per frame, the callee name looked up last and its frame: most calls repeat the last one. */
  private String[] lastName = new String[64];
  private int[] lastChild = new int[64];
  private final int idle;
  private int current = ROOT;
  /** The timeline's window and what it holds so far: intervals of one frame each, in time order. */
  private long traceFrom;
  private long traceTo;
  private int traceLimit;
  private long[] sliceStart = new long[0];
  private long[] sliceEnd = new long[0];
  private int[] sliceFrame = new int[0];
  private int[] sliceThread = new int[0];
  /** The IPIs that reached this CPU in the window, sent from inside it: what, from where, when sent and arrived. */
  private String[] flowName = new String[0];
  private int[] flowFrom = new int[0];
  private long[] flowSent = new long[0];
  private long[] flowArrived = new long[0];
  private int flows;
  /** The thread running on the CPU (-1: none, switching or idle), for the timeline. */
  private int thread = -1;
  private int slices;
  private long cutAtNs = -1;
  private String spinLeaf = "spin";
  private final Map<String, String> spinLeaves = new HashMap<>();
  private long since;

  public KernelProfile() {
    add(UNATTRIBUTED, -1);
    idle = child(ROOT, "idle");
  }

  private int add(String name, int parent) {
    int id = names.size();
    names.add(name);
    parents.add(parent);
    children.add(new HashMap<>(4));
    if (id == selfNs.length) {
      selfNs = java.util.Arrays.copyOf(selfNs, id * 2);
      lastName = java.util.Arrays.copyOf(lastName, id * 2);
      lastChild = java.util.Arrays.copyOf(lastChild, id * 2);
    }
    return id;
  }

  /** The frame {@code name} called from {@code parent} (made on first use). */
  public int child(int parent, String name) {
    if (lastName[parent] == name) {
      // The same String object as last time (the model names frames with constants).
      return lastChild[parent];
    }
    Integer id = children.get(parent).get(name);
    if (id == null) {
      id = add(name, parent);
      children.get(parent).put(name, id);
    }
    lastName[parent] = name;
    lastChild[parent] = id;
    return id;
  }

  /** The frame the CPU is in. */
  public int current() {
    return current;
  }

  /** The frame that called {@code frame} (ROOT for ROOT). */
  public int parent(int frame) {
    return frame == ROOT ? ROOT : parents.get(frame);
  }

  /** Names the spin that the CPU enters next ({@code spin:<what>}). */
  public void spinOn(String what) {
    // One String per leaf, so that child()'s last-lookup cache recognises it.
    spinLeaf = spinLeaves.computeIfAbsent(what, w -> "spin:" + w);
  }

  /** Closes the interval up to {@code now}, spent in {@code state}, then moves to {@code frame}. */
  public void moveTo(int frame, CpuState state, long now) {
    account(state, now);
    current = frame;
  }

  /** Attributes the time since the last change to where the CPU was, in {@code state}. */
  public void account(CpuState state, long now) {
    long start = since;
    long ns = now - since;
    since = now;
    if (ns <= 0) {
      return;
    }
    int target = switch (state) {
      case IDLE -> idle;
      case SPIN -> child(current, spinLeaf);
      case BUSY -> current;
    };
    selfNs[target] += ns;
    if (now > traceFrom && start < traceTo) {
      slice(Math.max(start, traceFrom), Math.min(now, traceTo), target);
    }
  }

  /** Thread {@code tid} (-1: none) runs on the CPU from {@code now}; the interval before closes in {@code state}. */
  public void thread(int tid, CpuState state, long now) {
    if (tid != thread) {
      account(state, now);
      thread = tid;
    }
  }

  /**
   * Also keeps a timeline of {@code [fromNs, toNs)}: the frame of every interval, at most
   * {@code limit} slices (the window is cut where they run out).
   */
  public void trace(long fromNs, long toNs, int limit) {
    traceFrom = fromNs;
    traceTo = toNs;
    traceLimit = limit;
  }

  /**
   * An IPI ({@code name}) sent by CPU {@code from} at {@code sentNs} reached this CPU at
   * {@code now}: kept as an arrow when both ends lie in the window. It takes one of the slices;
   * when they run out, the timeline is cut here (the interval it ends keeps the one left for it).
   */
  public void flow(String name, int from, long sentNs, long now) {
    if (sentNs < traceFrom || now >= traceTo || now < traceFrom) {
      return;
    }
    if (slices + flows + 1 >= traceLimit) {
      cutAtNs = now;
      traceTo = now;
      return;
    }
    if (flows == flowName.length) {
      int n = Math.max(16, flows * 2);
      flowName = java.util.Arrays.copyOf(flowName, n);
      flowFrom = java.util.Arrays.copyOf(flowFrom, n);
      flowSent = java.util.Arrays.copyOf(flowSent, n);
      flowArrived = java.util.Arrays.copyOf(flowArrived, n);
    }
    flowName[flows] = name;
    flowFrom[flows] = from;
    flowSent[flows] = sentNs;
    flowArrived[flows] = now;
    flows++;
  }

  private void slice(long start, long end, int frame) {
    if (slices > 0 && sliceFrame[slices - 1] == frame && sliceThread[slices - 1] == thread
        && sliceEnd[slices - 1] == start) {
      sliceEnd[slices - 1] = end;
      return;
    }
    if (slices + flows == traceLimit) {
      cutAtNs = start;
      traceTo = start;
      return;
    }
    if (slices == sliceStart.length) {
      int n = Math.max(64, slices * 2);
      sliceStart = java.util.Arrays.copyOf(sliceStart, n);
      sliceEnd = java.util.Arrays.copyOf(sliceEnd, n);
      sliceFrame = java.util.Arrays.copyOf(sliceFrame, n);
      sliceThread = java.util.Arrays.copyOf(sliceThread, n);
    }
    sliceThread[slices] = thread;
    sliceStart[slices] = start;
    sliceEnd[slices] = end;
    sliceFrame[slices] = frame;
    slices++;
  }

  /**
   * A CPU's timeline as plain data: each slice's start, end, stack (an index into {@code stacks},
   * folded paths) and running thread (-1: none), in time order; {@code cutAtNs} where the window
   * was cut (-1: not cut); the IPIs that arrived, in time order.
   */
  public record Timeline(List<String> stacks, long[] start, long[] end, int[] stack, int[] thread, long cutAtNs,
      Flows flows) {}

  /** IPIs that reached a CPU: each one's name, sending CPU, and when it was sent and arrived. */
  public record Flows(String[] name, int[] from, long[] sentNs, long[] arrivedNs) {
    public int size() {
      return name.length;
    }
  }

  /** The timeline kept so far, or null when none was asked for. */
  public Timeline timeline() {
    if (traceLimit == 0) {
      return null;
    }
    Map<Integer, Integer> index = new HashMap<>();
    List<String> stacks = new ArrayList<>();
    int[] stack = new int[slices];
    for (int i = 0; i < slices; i++) {
      stack[i] = index.computeIfAbsent(sliceFrame[i], f -> {
        stacks.add(path(f));
        return stacks.size() - 1;
      });
    }
    return new Timeline(stacks, java.util.Arrays.copyOf(sliceStart, slices), java.util.Arrays.copyOf(sliceEnd, slices),
        stack, java.util.Arrays.copyOf(sliceThread, slices), cutAtNs,
        new Flows(java.util.Arrays.copyOf(flowName, flows), java.util.Arrays.copyOf(flowFrom, flows),
            java.util.Arrays.copyOf(flowSent, flows), java.util.Arrays.copyOf(flowArrived, flows)));
  }

  /** The folded stacks ({@code a;b;c}) with their nanoseconds, those with none left out. */
  public Map<String, Long> folded() {
    Map<String, Long> out = new TreeMap<>();
    for (int id = 0; id < names.size(); id++) {
      if (selfNs[id] > 0) {
        out.merge(path(id), selfNs[id], Long::sum);
      }
    }
    return out;
  }

  private String path(int id) {
    if (id == ROOT) {
      return UNATTRIBUTED;
    }
    StringBuilder b = new StringBuilder(names.get(id));
    for (int p = parents.get(id); p != ROOT; p = parents.get(p)) {
      b.insert(0, ';').insert(0, names.get(p));
    }
    return b.toString();
  }
}
