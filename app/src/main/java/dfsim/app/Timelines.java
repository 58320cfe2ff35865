package dfsim.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dfsim.core.metrics.CounterTrace;
import dfsim.core.metrics.KernelProfile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * trace.json: a run's timeline in the Chrome Trace Event Format that Perfetto UI,
 * chrome://tracing and speedscope open. One track per CPU (a thread of the process "dfsim"),
 * named with its socket and die; on it the kernel functions the CPU was in as nested slices
 * (B/E events, the profile's stacks over time), spins as {@code spin:<what>} slices inside the
 * function that waits, idle as {@code idle}; below it a track of the thread running on it. IPIs
 * (TLB shootdowns, COW invalidations, wakeups) are flow arrows from the sending CPU's slice to the
 * receiving CPU's; each memory node's free pages are a counter track. Times are microseconds of
 * simulated time, to the nanosecond.
 */
final class Timelines {
  private Timelines() {}

  /**
   * trace.json's bytes, from each CPU's timeline, each node's free pages and metrics.json's cpus
   * (for their names).
   */
  static byte[] json(String title, Map<Integer, KernelProfile.Timeline> timelines,
      Map<Integer, CounterTrace.Samples> freePages, List<Map<String, Object>> cpus, long fromNs, long toNs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("traceEvents");
      meta(g, "process_name", 0, "name", title);
      long cut = -1;
      for (Map<String, Object> cpu : cpus) {
        int id = ((Number) cpu.get("id")).intValue();
        KernelProfile.Timeline t = timelines.get(id);
        if (t == null) {
          continue;
        }
        meta(g, "thread_name", id + 1, "name", "cpu " + id + " (s" + cpu.get("socket") + " d" + cpu.get("die") + ")");
        sortIndex(g, id + 1, id);
        slices(g, id + 1, t);
        threads(g, id, t);
      }
      flows(g, timelines);
      freePages.forEach((node, samples) -> counter(g, "node " + node + " free pages", "free", samples));
      cut = cutAt(timelines, freePages);
      g.writeEndArray();
      g.writeStringField("displayTimeUnit", "ns");
      g.writeObjectFieldStart("otherData");
      g.writeStringField("window", fromNs + "ns.." + toNs + "ns");
      g.writeStringField("cut_at", cut < 0 ? "" : cut + "ns");
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The earliest time a CPU's timeline or a node's counter was cut at for lack of room, or -1. */
  static long cutAt(Map<Integer, KernelProfile.Timeline> timelines, Map<Integer, CounterTrace.Samples> freePages) {
    return java.util.stream.LongStream.concat(
        timelines.values().stream().mapToLong(KernelProfile.Timeline::cutAtNs),
        freePages.values().stream().mapToLong(CounterTrace.Samples::cutAtNs)).filter(c -> c >= 0).min().orElse(-1);
  }

  /**
   * Each IPI as a flow arrow ({@code s} on the sender's track, {@code f} bound to the enclosing
   * slice on the receiver's), when the sender's track still has slices at its sending time.
   */
  private static void flows(JsonGenerator g, Map<Integer, KernelProfile.Timeline> timelines) throws IOException {
    long id = 0;
    for (Map.Entry<Integer, KernelProfile.Timeline> e : timelines.entrySet()) {
      KernelProfile.Flows f = e.getValue().flows();
      for (int i = 0; i < f.size(); i++) {
        KernelProfile.Timeline from = timelines.get(f.from()[i]);
        if (from == null || !covers(from, f.sentNs()[i])) {
          continue;
        }
        id++;
        flowEvent(g, "s", f.name()[i], id, f.from()[i] + 1, f.sentNs()[i]);
        flowEvent(g, "f", f.name()[i], id, e.getKey() + 1, f.arrivedNs()[i]);
      }
    }
  }

  /** Whether a CPU's timeline has a slice at {@code ns}. */
  private static boolean covers(KernelProfile.Timeline t, long ns) {
    int n = t.start().length;
    return n > 0 && ns >= t.start()[0] && ns < t.end()[n - 1];
  }

  private static void flowEvent(JsonGenerator g, String ph, String name, long id, int tid, long ns) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", name);
    g.writeStringField("cat", "ipi");
    g.writeStringField("ph", ph);
    g.writeNumberField("id", id);
    g.writeNumberField("pid", 1);
    g.writeNumberField("tid", tid);
    g.writeNumberField("ts", micros(ns));
    if (ph.equals("f")) {
      g.writeStringField("bp", "e");
    }
    g.writeEndObject();
  }

  /** A counter track: the value {@code key} of {@code name} at each sample. */
  private static void counter(JsonGenerator g, String name, String key, CounterTrace.Samples s) {
    try {
      for (int i = 0; i < s.ns().length; i++) {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("ph", "C");
        g.writeNumberField("pid", 1);
        g.writeNumberField("ts", micros(s.ns()[i]));
        g.writeObjectFieldStart("args");
        g.writeNumberField(key, s.values()[i]);
        g.writeEndObject();
        g.writeEndObject();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Microseconds, exact to the nanosecond. */
  private static java.math.BigDecimal micros(long ns) {
    return new java.math.BigDecimal(ns).movePointLeft(3);
  }

  /** Orders track {@code tid} by {@code index} in the viewer (a CPU's thread track sorts with the CPU). */
  private static void sortIndex(JsonGenerator g, int tid, int index) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", "thread_sort_index");
    g.writeStringField("ph", "M");
    g.writeNumberField("pid", 1);
    g.writeNumberField("tid", tid);
    g.writeObjectFieldStart("args");
    g.writeNumberField("sort_index", index);
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void meta(JsonGenerator g, String name, int tid, String key, String value) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", name);
    g.writeStringField("ph", "M");
    g.writeNumberField("pid", 1);
    g.writeNumberField("tid", tid);
    g.writeObjectFieldStart("args");
    g.writeStringField(key, value);
    g.writeEndObject();
    g.writeEndObject();
  }

  /** The track of CPU {@code cpu}'s threads, below its own: a slice "thread T" while thread T runs on it. */
  static int threadTrack(int cpu) {
    return 100_000 + cpu;
  }

  private static void threads(JsonGenerator g, int cpu, KernelProfile.Timeline t) throws IOException {
    meta(g, "thread_name", threadTrack(cpu), "name", "cpu " + cpu + " threads");
    sortIndex(g, threadTrack(cpu), cpu);
    int n = t.start().length;
    for (int i = 0; i < n; ) {
      int tid = t.thread()[i];
      int j = i;
      while (j + 1 < n && t.thread()[j + 1] == tid && t.start()[j + 1] == t.end()[j]) {
        j++;
      }
      if (tid >= 0) {
        g.writeStartObject();
        g.writeStringField("name", "thread " + tid);
        g.writeStringField("ph", "X");
        g.writeNumberField("pid", 1);
        g.writeNumberField("tid", threadTrack(cpu));
        g.writeNumberField("ts", micros(t.start()[i]));
        g.writeNumberField("dur", micros(t.end()[j] - t.start()[i]));
        g.writeEndObject();
      }
      i = j + 1;
    }
  }

  /** The CPU's slices as nested B/E events: between two slices, what their stacks do not share closes and opens. */
  private static void slices(JsonGenerator g, int tid, KernelProfile.Timeline t) throws IOException {
    List<String> open = new ArrayList<>();
    long last = -1;
    for (int i = 0; i < t.start().length; i++) {
      String[] frames = t.stacks().get(t.stack()[i]).split(";");
      long s = t.start()[i];
      if (last >= 0 && s != last) {
        close(g, tid, open, 0, last);
      }
      int k = 0;
      while (k < open.size() && k < frames.length && open.get(k).equals(frames[k])) {
        k++;
      }
      close(g, tid, open, k, s);
      for (int f = k; f < frames.length; f++) {
        event(g, tid, "B", frames[f], s);
        open.add(frames[f]);
      }
      last = t.end()[i];
    }
    if (last >= 0) {
      close(g, tid, open, 0, last);
    }
  }

  private static void close(JsonGenerator g, int tid, List<String> open, int keep, long ns) throws IOException {
    while (open.size() > keep) {
      event(g, tid, "E", open.remove(open.size() - 1), ns);
    }
  }

  private static void event(JsonGenerator g, int tid, String ph, String name, long ns) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", name);
    g.writeStringField("ph", ph);
    g.writeNumberField("pid", 1);
    g.writeNumberField("tid", tid);
    g.writeNumberField("ts", micros(ns));
    g.writeEndObject();
  }
}
