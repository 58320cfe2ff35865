package dfsim.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * report.html: one self-contained page per run or experiment. Chart.js (bundled from its WebJar)
 * and the page's own script and styles are inlined, and the data rides along as JSON, so the
 * page needs no network when it is opened. A run's page shows per-CPU time by state grouped by
 * socket and die, a CPU x time utilisation heatmap from {@code series}, the contention per lock
 * class, the latency percentiles and the resolved config; an experiment's, one line chart per
 * headline metric against the first sweep key (one line per variant, 95% CI bars) and the
 * results table.
 */
final class Report {
  private static final String CHART_JS = "/META-INF/resources/webjars/chartjs/4.4.3/dist/chart.umd.js";
  /** d3 and d3-flame-graph, for the run page's flame graph (npm packages, see src/main/js). */
  private static final List<String> FLAME_JS = List.of("/dfsim/report/vendor/d3/dist/d3.min.js",
      "/dfsim/report/vendor/d3-flame-graph/dist/d3-flamegraph.umd.min.js");
  private static final String FLAME_CSS = "/dfsim/report/vendor/d3-flame-graph/dist/d3-flamegraph.css";
  /** Rows of the run page's table of functions by self time. */
  static final int TOP_FUNCTIONS = 15;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A headline metric of an experiment: its results.csv column, CI column (or null), title, unit. */
  record Metric(String column, String ci, String title, String unit) {}

  static final List<Metric> HEADLINES = List.of(
      new Metric("ops_per_sim_second", "ops_per_sim_second_ci95", "Throughput", "ops per simulated second"),
      new Metric("mean_op_latency_ns", null, "Mean op latency", "ns"),
      new Metric("p99_op_latency_ns", null, "p99 op latency", "ns"),
      new Metric("lock_wait_ns_per_op", null, "Lock wait per op", "ns"),
      new Metric("ipis_per_op", null, "IPIs per op", "IPIs"));

  /** will-it-scale's scaling figure, charted when the task count varies. */
  static final Metric EFFICIENCY = new Metric("per_task_efficiency", null, "Per-task efficiency",
      "ops/s per task over the same at the fewest tasks");

  private Report() {}

  /** The metrics an experiment's page charts: the headlines, and the efficiency where tasks vary. */
  static List<Metric> charted(List<Map<String, Object>> rows) {
    boolean tasksVary = rows.stream().anyMatch(r -> r.get(EFFICIENCY.column()) != null
        && !r.get(EFFICIENCY.column()).toString().isEmpty());
    if (!tasksVary) {
      return HEADLINES;
    }
    List<Metric> out = new java.util.ArrayList<>(HEADLINES);
    out.add(EFFICIENCY);
    return out;
  }

  /**
   * The numbers first: throughput, op latency, faults and IPIs, spin share, and how the run was
   * made, from metrics.json's measured window (rates and shares exclude the warm-up, as
   * results.csv's do).
   */
  @SuppressWarnings("unchecked")
  static Map<String, String> headline(Map<String, Object> metrics) {
    Map<String, Object> run = (Map<String, Object>) metrics.get("run");
    Map<String, Object> w = (Map<String, Object>) metrics.get("workload");
    Map<String, Object> m = (Map<String, Object>) w.get("measured");
    double ops = num(w.get("ops_completed"));
    double window = num(m.get("window_ns"));
    double cpuNs = num(m.get("busy_ns")) + num(m.get("spin_ns")) + num(m.get("idle_ns"));
    Map<String, String> h = new LinkedHashMap<>();
    h.put("throughput", String.format(java.util.Locale.ROOT, "%,.0f %s ops per simulated second (%,.0f ops)",
        num(w.get("ops_per_sim_second")), w.get("op"), ops));
    h.put("mean op latency", String.format(java.util.Locale.ROOT, "%,.0f ns", num(w.get("mean_op_latency_ns"))));
    h.put("p99 op latency", String.format(java.util.Locale.ROOT, "%,.0f ns", num(w.get("p99_op_latency_ns"))));
    h.put("faults per second", String.format(java.util.Locale.ROOT, "%,.0f",
        window > 0 ? num(m.get("faults")) * 1e9 / window : 0));
    h.put("IPIs per op", String.format(java.util.Locale.ROOT, "%.3f", ops > 0 ? num(m.get("ipis_sent")) / ops : 0));
    h.put("spin share", String.format(java.util.Locale.ROOT, "%.1f%% of CPU time",
        cpuNs > 0 ? 100 * num(m.get("spin_ns")) / cpuNs : 0));
    long nodes = (long) num(run.get("nodes"));
    long threads = (long) num(run.get("threads"));
    long epochs = (long) num(run.get("rounds"));
    h.put("engine", run.get("engine") + (nodes > 1 ? " on " + nodes + " JVMs" : "")
        + (threads > 0 ? ", " + threads + (threads == 1 ? " thread" : " threads") : "")
        + (nodes > 1 ? String.format(java.util.Locale.ROOT, ", %,d %s between JVMs", epochs,
            epochs == 1 ? "epoch" : "epochs") : ""));
    h.put("simulated", String.format(java.util.Locale.ROOT, "%.3f ms (warm-up %.3f ms), %,.0f events",
        num(run.get("simulated_ns")) / 1e6, num(run.get("warmup_ns")) / 1e6, num(run.get("events"))));
    double joinMs = num(run.get("join_ms"));
    h.put("wall time", String.format(java.util.Locale.ROOT, "%,.0f ms", num(run.get("wall_ms")))
        + (joinMs > 0 ? String.format(java.util.Locale.ROOT, " (%,.0f ms of it for the workers to join)", joinMs) : ""));
    h.put("digest", String.valueOf(run.get("digest")));
    return h;
  }

  private static String headlineRows(Map<String, Object> metrics) {
    StringBuilder sb = new StringBuilder();
    headline(metrics).forEach((k, v) -> sb.append("<tr><th>").append(escape(k)).append("</th><td>")
        .append(escape(v)).append("</td></tr>\n"));
    return sb.toString();
  }

  private static double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : 0;
  }

  /** The page of one run, from its metrics.json tree and resolved config, without a profile. */
  static String run(String title, Map<String, Object> metrics, String config) {
    return run(title, metrics, config, Map.of());
  }

  /**
   * The page of one run, from its metrics.json tree, resolved config and kernel profile (each
   * CPU's folded stacks; empty: none kept, no flame graph).
   */
  static String run(String title, Map<String, Object> metrics, String config,
      Map<Integer, Map<String, Long>> profile) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("run", metrics);
    String flame = "";
    if (!profile.isEmpty()) {
      Map<String, Long> box = Profiles.box(profile);
      data.put("profile", Profiles.tree(box));
      flame = """
          <h2>Where the time went: the simulated kernel's flame graph</h2>
          <p class="note">Every simulated nanosecond of every CPU, by the stack of kernel functions the
          model was in (profile.folded): a frame's width is its share of all CPU time, its callees sit
          above it, <code>spin:</code> leaves are waits for what another CPU holds. Click a frame to
          zoom into it; a search colours the frames whose name matches.</p>
          <p class="note"><input id="flame-search" type="search" placeholder="function name, e.g. vm_fault">
          <button id="flame-reset" type="button">Reset zoom</button></p>
          <div id="flame"></div>
          <h3>Functions by self time (all CPUs)</h3>
          <table id="top-functions"><tr><th>function</th><th>self ns</th><th>share</th></tr>
          """ + topFunctionRows(box) + "</table>\n";
    }
    String body = "<h2>Summary</h2>\n<table id=\"headline\">\n" + headlineRows(metrics) + "</table>\n" + """
        <p class="note" id="cpu-range">Show CPUs <input id="cpu-from" type="number" min="0" size="4"> to
        <input id="cpu-to" type="number" min="0" size="4"> of socket <select id="cpu-socket"></select>
        (the page's address may say it too: <code>report.html#cpus=16-31</code>,
        <code>#socket=1</code>).</p>
        <h2>Time per CPU</h2>
        <div class="chart"><canvas id="cpu-bars"></canvas></div>
        <h2>CPU utilisation over simulated time</h2>
        <p class="note">One row per CPU, one cell per sample of the series, time running left to
        right: green for the share of the sample the CPU was busy, red for the share it spun
        waiting for a lock, white for idle (a CPU that spins all the time is solid red).</p>
        <div class="legend"><span style="background:rgb(46,160,67)"></span> busy
        <span style="background:rgb(214,39,40)"></span> spin <span style="background:#fff;border:1px solid #ccc"></span> idle</div>
        <div class="heatmap" id="heatmap"></div>
        """ + flame + """
        <h2>Contention</h2>
        <div class="chart"><canvas id="contention"></canvas></div>
        <h2>Latency percentiles (all CPUs)</h2>
        <table id="percentiles"></table>
        <h2>Resolved configuration</h2>
        <pre>""" + escape(config) + "</pre>\n";
    return page(title, body, data, "/dfsim/report/report.js", profile.isEmpty() ? List.of() : FLAME_JS,
        profile.isEmpty() ? "" : resource(FLAME_CSS));
  }

  /**
   * The live page of {@code run --serve}: it polls {@code /api/status} and redraws the run's
   * progress and per-CPU time by state (see live.js).
   */
  static String live(String title) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("status", "/api/status");
    data.put("pollMs", LiveServer.SAMPLE_EVERY_MS * 2);
    String body = """
        <p class="status"><b id="state">starting</b>: simulated <span id="sim-time" data-ns="0">0</span>
        of <span id="end-time">?</span> ms, <span id="events">0</span> events,
        <span id="events-per-s">0</span> events/s, wall <span id="wall">0</span> s</p>
        <p class="status" id="digest"></p>
        <progress id="progress" max="1" value="0"></progress>
        <h2>Time per CPU so far</h2>
        <div class="chart"><canvas id="live-bars"></canvas></div>
        <p class="note">The same figures as metrics.json's <code>cpus</code>, for the simulated time
        reached: <a href="/metrics">/metrics</a> (Prometheus text format, labelled cpu and socket) and
        <a href="/api/status">/api/status</a> (JSON).</p>
        """;
    return page(title, body, data, "/dfsim/report/live.js");
  }

  /** The page of an experiment, from its results.csv rows. */
  static String experiment(String title, List<Map<String, Object>> rows, List<String> sweepKeys,
      List<String> variants) {
    return experiment(title, rows, sweepKeys, variants, Map.of());
  }

  /**
   * An experiment's page; with two or more variants' kernel profiles ({@code profiles}: folded
   * stacks by variant), also a differential flame graph of one variant against another.
   */
  static String experiment(String title, List<Map<String, Object>> rows, List<String> sweepKeys,
      List<String> variants, Map<String, Map<String, Long>> profiles) {
    Map<String, Object> ex = new LinkedHashMap<>();
    ex.put("rows", rows);
    ex.put("sweepKeys", sweepKeys);
    ex.put("variants", variants);
    ex.put("metrics", charted(rows));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("experiment", ex);
    boolean diff = profiles.size() >= 2;
    if (diff) {
      data.put("profiles", profiles);
    }
    String body = """
        <div id="experiment-charts"></div>
        """ + (diff ? """
        <h2>Where the time moved: differential flame graph</h2>
        <p class="note">The kernel profile of one variant (its runs at the last sweep point), each frame
        coloured by how its time changed from the baseline's: red where the variant spends more
        simulated CPU time there, blue where it spends less, grey where it is the same (frames only in
        the baseline are not drawn). Click a frame to zoom; profile-VARIANT.folded holds each
        variant's stacks.</p>
        <p class="note">Variant <select id="diff-variant"></select> against baseline
        <select id="diff-baseline"></select> <button id="flame-reset" type="button">Reset zoom</button></p>
        <div id="flame"></div>
        """ : "") + """
        <h2>Results</h2>
        <table id="results"></table>
        """;
    return page(title, body, data, "/dfsim/report/report.js", diff ? FLAME_JS : List.of(),
        diff ? resource(FLAME_CSS) : "");
  }

  /** The rows of the functions with the most self time in the box's stacks {@code box}. */
  private static String topFunctionRows(Map<String, Long> box) {
    long all = box.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder sb = new StringBuilder();
    for (Profiles.Self s : Profiles.topSelf(box, TOP_FUNCTIONS)) {
      sb.append("<tr><td>").append(escape(s.function())).append("</td><td>")
          .append(String.format(java.util.Locale.ROOT, "%,d", s.ns())).append("</td><td>")
          .append(String.format(java.util.Locale.ROOT, "%.1f%%", all > 0 ? 100.0 * s.ns() / all : 0))
          .append("</td></tr>\n");
    }
    return sb.toString();
  }

  private static String page(String title, String body, Map<String, Object> data, String script) {
    return page(title, body, data, script, List.of(), "");
  }

  private static String page(String title, String body, Map<String, Object> data, String script,
      List<String> libraries, String css) {
    String json;
    try {
      json = JSON.writeValueAsString(data).replace("</", "<\\/");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("report data", e);
    }
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title)
        + "</title>\n<style>\n" + resource("/dfsim/report/report.css") + css + "</style>\n</head>\n<body>\n<h1>"
        + escape(title) + "</h1>\n"
        // Errors of the page's scripts, kept for its self-check (see report.js).
        + "<script>window.dfsimErrors = []; window.addEventListener('error', function (e) {"
        + " window.dfsimErrors.push(String(e.message)); }); (function () { var f = console.error;"
        + " console.error = function () { window.dfsimErrors.push(Array.prototype.join.call(arguments, ' '));"
        + " return f.apply(console, arguments); }; })();</script>\n"
        + body
        + "<pre id=\"dfsim-selfcheck\" hidden></pre>\n"
        + "<script type=\"application/json\" id=\"dfsim-data\">" + json + "</script>\n"
        + "<script>\n" + resource(CHART_JS) + "\n</script>\n"
        + "<script>\n" + resource("/dfsim/report/cpu-bars.js") + "</script>\n"
        + libraries.stream().map(l -> "<script>\n" + resource(l) + "\n</script>\n").collect(
            java.util.stream.Collectors.joining())
        + "<script>\n" + resource(script) + "</script>\n</body>\n</html>\n";
  }

  private static String resource(String path) {
    try (InputStream in = Report.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
