package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the report.html of a run and of an experiment in real headless {@link Chromium} and reads what rendered from the page's
 * self-check: one bar group per CPU, CPUs x samples heatmap cells, one line per variant on every
 * experiment chart, titles and axis labels, no script error. Screenshots are kept under
 * target/report-artifacts.
 */
final class ReportBrowserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ARTIFACTS = Path.of("target", "report-artifacts");

  @BeforeAll
  static void setUp() throws Exception {
    Chromium.binary();
    Files.createDirectories(ARTIFACTS);
  }

  /** Loads the page and returns its self-check, after its scripts ran. */
  private static JsonNode render(Path profile, Path page) throws Exception {
    return render(profile, page, "");
  }

  /** Renders {@code page} with {@code fragment} ("#cpus=4-7") in its address. */
  private static JsonNode render(Path profile, Path page, String fragment) throws Exception {
    String dom = Chromium.run(profile, page.toUri().toString() + fragment, "--dump-dom");
    Matcher m = Pattern.compile("<pre id=\"dfsim-selfcheck\"[^>]*>([^<]*)</pre>").matcher(dom);
    assertTrue(m.find(), "the page has a self-check");
    String text = m.group(1).replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    assertTrue(!text.isEmpty(), "the page's scripts ran to the end");
    return JSON.readTree(text);
  }

  private static void screenshot(Path profile, Path page, String name, String size) throws Exception {
    Path png = ARTIFACTS.resolve(name).toAbsolutePath();
    Chromium.run(profile, page.toUri().toString(), "--window-size=" + size, "--screenshot=" + png);
    assertTrue(Files.size(png) > 10_000, "screenshot " + png + " has content");
  }

  private static JsonNode chartById(JsonNode check, String id) {
    for (JsonNode c : check.get("charts")) {
      if (c.get("id").asText().equals(id)) {
        return c;
      }
    }
    throw new AssertionError("no chart " + id + " in " + check);
  }

  @Test
  void runReportRendersEveryChart(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    assertEquals(Main.OK, Main.execute("run", "--quiet", "--out", out.toString(), "-D", "sim.end-time=2ms",
        "../conf/default.conf"));
    JsonNode metrics = JSON.readTree(out.resolve("metrics.json").toFile());
    int cpus = metrics.get("cpus").size();
    int samples = metrics.get("series").get("samples").asInt();
    JsonNode check = render(tmp, out.resolve("report.html"));
    assertEquals(0, check.get("errors").size(), "no script errors: " + check.get("errors"));
    JsonNode bars = chartById(check, "cpu-bars");
    assertEquals(cpus, bars.get("labels").asInt(), "one bar group per CPU");
    assertEquals(List.of("busy", "spin", "idle"), JSON.convertValue(bars.get("datasets"), List.class));
    assertEquals(cpus, check.get("heatmapRows").asInt());
    assertEquals(cpus * samples, check.get("heatmapCells").asInt(), "heatmap cells = CPUs x samples");
    // The plotted values are metrics.json's: each CPU's busy, spin and idle in ms, and each lock
    // class's wait in us.
    for (int i = 0; i < cpus; i++) {
      Matcher id = Pattern.compile("cpu (\\d+) \\(s(\\d+) d(\\d+)\\)").matcher(bars.get("labelNames").get(i).asText());
      assertTrue(id.matches(), bars.get("labelNames").get(i).asText());
      JsonNode cpu = metrics.get("cpus").get(Integer.parseInt(id.group(1)));
      assertEquals(cpu.get("socket").asInt(), Integer.parseInt(id.group(2)));
      assertEquals(cpu.get("busy_ns").asLong() / 1e6, bars.get("values").get(0).get(i).asDouble(), 1e-9, "busy, " + id.group());
      assertEquals(cpu.get("spin_ns").asLong() / 1e6, bars.get("values").get(1).get(i).asDouble(), 1e-9, "spin, " + id.group());
      assertEquals(cpu.get("idle_ns").asLong() / 1e6, bars.get("values").get(2).get(i).asDouble(), 1e-9, "idle, " + id.group());
    }
    JsonNode contention = chartById(check, "contention");
    assertEquals(metrics.get("contention").size(), contention.get("labels").asInt());
    for (int i = 0; i < contention.get("labels").asInt(); i++) {
      String lockClass = contention.get("labelNames").get(i).asText();
      assertEquals(metrics.get("contention").get(lockClass).get("wait_ns").asLong() / 1e3,
          contention.get("values").get(0).get(i).asDouble(), 1e-9, lockClass);
    }
    assertTrue(metrics.get("contention").get("vm_map").get("wait_ns").asLong() > 0, "a bar that is not 0");
    // The summary leads with metrics.json's numbers, rates over the measured window.
    JsonNode headline = check.get("headline");
    JsonNode measured = metrics.get("workload").get("measured");
    assertEquals(List.of("throughput", "mean op latency", "p99 op latency", "faults per second", "IPIs per op",
        "spin share", "engine", "simulated", "wall time", "digest"), JSON.convertValue(
        JSON.convertValue(headline, java.util.Map.class).keySet(), List.class));
    assertEquals(String.format(java.util.Locale.ROOT, "%,.0f fault ops per simulated second (%,d ops)",
        metrics.get("workload").get("ops_per_sim_second").asDouble(),
        metrics.get("workload").get("ops_completed").asLong()), headline.get("throughput").asText());
    double spinShare = 100.0 * measured.get("spin_ns").asDouble() / (measured.get("busy_ns").asDouble()
        + measured.get("spin_ns").asDouble() + measured.get("idle_ns").asDouble());
    assertEquals(String.format(java.util.Locale.ROOT, "%.1f%% of CPU time", spinShare), headline.get("spin share").asText());
    assertTrue(spinShare > 50, "the default storm spins most of its time: " + spinShare);
    assertEquals(String.format(java.util.Locale.ROOT, "%,.0f", measured.get("faults").asDouble() * 1e9
        / measured.get("window_ns").asDouble()), headline.get("faults per second").asText());
    assertEquals(metrics.get("run").get("digest").asText(), headline.get("digest").asText());
    assertEquals(1, metrics.get("run").get("threads").asInt(), "run's default --threads");
    assertEquals("actors, 1 thread", headline.get("engine").asText());
    // The heatmap shows spin: a cell is red-dominated where the series says the CPU spun most of it.
    JsonNode series = metrics.get("series");
    long interval = series.get("interval_ns").asLong();
    long simulated = metrics.get("run").get("simulated_ns").asLong();
    int spinning = 0;
    for (JsonNode cpu : series.get("cpus")) {
      for (int k = 0; k < samples; k++) {
        long len = Math.min(interval, simulated - k * interval);
        double busy = len > 0 ? Math.max(0, Math.min(1, cpu.get("busy_ns").get(k).asDouble() / len)) : 0;
        double spin = len > 0 ? Math.max(0, Math.min(1 - busy, cpu.get("spin_ns").get(k).asDouble() / len)) : 0;
        spinning += spin > busy && spin > 0.5 ? 1 : 0;
      }
    }
    assertTrue(spinning > cpus * samples / 2, spinning + " of " + cpus * samples + " cells spin-dominated");
    assertEquals(spinning, check.get("heatmapSpinning").asInt(), "red where the CPU spun");
    for (JsonNode c : check.get("charts")) {
      assertTrue(c.get("painted").asInt() > 1000, c.get("id") + " painted its canvas");
      assertTrue(!c.get("title").asText().isEmpty(), "every chart has a title");
      assertTrue(!c.get("axes").get(0).asText().isEmpty() && !c.get("axes").get(1).asText().isEmpty(),
          "every chart has axis labels");
    }
    // A range of CPUs, or one socket, from the page's address: the bars and the heatmap's rows show
    // those CPUs alone (2 sockets of 8: CPUs 0-7 on socket 0).
    JsonNode range = render(tmp, out.resolve("report.html"), "#cpus=4-11&socket=0");
    assertEquals(0, range.get("errors").size(), "no script errors: " + range.get("errors"));
    assertEquals(List.of("cpu 4 (s0 d0)", "cpu 5 (s0 d0)", "cpu 6 (s0 d0)", "cpu 7 (s0 d0)"),
        JSON.convertValue(chartById(range, "cpu-bars").get("labelNames"), List.class));
    assertEquals(4, range.get("heatmapRowsShown").asInt());
    assertEquals(cpus, range.get("heatmapRows").asInt(), "the other rows are hidden, not dropped");
    JsonNode socket = render(tmp, out.resolve("report.html"), "#socket=1");
    assertEquals(8, chartById(socket, "cpu-bars").get("labels").asInt());
    assertEquals(8, socket.get("heatmapRowsShown").asInt());
    assertEquals(cpus, check.get("heatmapRowsShown").asInt(), "every CPU without a range");
    screenshot(tmp, out.resolve("report.html"), "run-report.png", "1200,2400");
  }

  /**
   * The run page's flame graph draws profile.folded: the root frame spans the graph, every frame's
   * width is its nanoseconds' share of the root's (to a pixel), each stack of the box's profile is
   * there with its total, and the table of functions by self time matches the folded lines.
   */
  @Test
  void runReportDrawsTheProfileAsAFlameGraph(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    assertEquals(Main.OK, Main.execute("run", "--quiet", "--out", out.toString(), "-D", "sim.end-time=2ms",
        "../conf/default.conf"));
    java.util.Map<String, Long> folded = new java.util.TreeMap<>();
    for (String line : Files.readAllLines(out.resolve("profile.folded"))) {
      folded.put(line.substring(0, line.lastIndexOf(' ')), Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)));
    }
    long all = folded.values().stream().mapToLong(Long::longValue).sum();
    JsonNode check = render(tmp, out.resolve("report.html"));
    assertEquals(0, check.get("errors").size(), "no script errors: " + check.get("errors"));
    JsonNode frames = check.get("flame");
    assertTrue(frames.size() > 5, "frames drawn: " + frames);
    JsonNode root = null;
    for (JsonNode f : frames) {
      if (f.get("depth").asInt() == 0) {
        root = f;
      }
    }
    assertTrue(root != null && root.get("name").asText().equals("all"), "a root frame");
    assertEquals(all, root.get("value").asLong(), "the root is all CPU time");
    double rootWidth = root.get("width").asDouble();
    assertTrue(rootWidth >= 600, "the root spans the graph: " + rootWidth);
    // Each frame's total is the sum of the folded stacks through it, and its width its share.
    java.util.Map<String, Long> totals = new java.util.HashMap<>();
    folded.forEach((stack, ns) -> {
      String[] fr = stack.split(";");
      for (int d = 1; d <= fr.length; d++) {
        totals.merge(d + ":" + fr[d - 1], ns, Long::sum);
      }
    });
    int checked = 0;
    for (JsonNode f : frames) {
      int depth = f.get("depth").asInt();
      if (depth == 0) {
        continue;
      }
      long value = f.get("value").asLong();
      assertEquals(rootWidth * value / all, f.get("width").asDouble(), 1.0, f.toString());
      if (frames.size() == totals.size() + 1) {
        assertEquals(totals.get(depth + ":" + f.get("name").asText()), value, f.toString());
      }
      checked++;
    }
    assertTrue(checked > 5);
    JsonNode spin = null;
    for (JsonNode f : frames) {
      if (f.get("name").asText().equals("spin:vm_map") && f.get("depth").asInt() == 3) {
        spin = f;
      }
    }
    assertTrue(spin != null, "the map token's spin under trap;vm_fault");
    assertEquals(folded.get("trap;vm_fault;spin:vm_map"), spin.get("value").asLong());
    assertTrue(spin.get("width").asDouble() > rootWidth / 2, "the default storm spins on the map token most of the time");
    String html = Files.readString(out.resolve("report.html"));
    java.util.Map<String, Long> self = new java.util.HashMap<>();
    folded.forEach((stack, ns) -> self.merge(stack.substring(stack.lastIndexOf(';') + 1), ns, Long::sum));
    java.util.Map.Entry<String, Long> top = self.entrySet().stream().max(java.util.Map.Entry.comparingByValue())
        .orElseThrow();
    assertEquals("spin:vm_map", top.getKey());
    assertTrue(html.contains("<tr><th>function</th><th>self ns</th><th>share</th></tr>\n<tr><td>spin:vm_map</td><td>"
        + String.format(java.util.Locale.ROOT, "%,d", top.getValue()) + "</td>"),
        "the first row of the self-time table is the leaf with the most time, summed over its stacks");
    screenshot(tmp, out.resolve("report.html"), "flame-graph.png", "1200,3200");
  }

  /**
   * An experiment's page draws one variant's profile against another's: each variant's
   * profile-VARIANT.folded is the sum of its runs' profiles at the last sweep point, every frame
   * drawn carries its change from the baseline at the same stack, red where it grew and blue
   * where it shrank. The 2013 kernel against 2017's, threads of page_fault1: the map token's spin
   * is gone, the pv-entry zone's grows.
   */
  @Test
  void experimentReportDrawsADifferentialFlameGraph(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("scale");
    assertEquals(Main.OK, Main.execute("scale", "--quiet", "--out", out.toString(), "--tasks", "1,4", "--kernels",
        "afd7f124,501747bf", "--modes", "threads", "-D", "sim.end-time=2ms", "page_fault1"));
    java.util.Map<String, java.util.Map<String, Long>> profiles = new java.util.HashMap<>();
    for (String v : List.of("afd7f124-threads", "501747bf-threads")) {
      java.util.Map<String, Long> runs = Profiles.read(out.resolve("runs").resolve(v + "__tasks=4").resolve("seed-1")
          .resolve("profile.folded"));
      assertEquals(runs, Profiles.read(out.resolve("profile-" + v + ".folded")), v + ": its runs at the last point");
      profiles.put(v, runs);
    }
    JsonNode check = render(tmp, out.resolve("report.html"));
    assertEquals(0, check.get("errors").size(), "no script errors: " + check.get("errors"));
    // The page's default: the last variant (501747bf) against the first (afd7f124).
    java.util.Map<String, Long> variant = totals(profiles.get("501747bf-threads"));
    java.util.Map<String, Long> baseline = totals(profiles.get("afd7f124-threads"));
    int grew = 0;
    int shrank = 0;
    for (JsonNode f : check.get("flame")) {
      if (f.get("depth").asInt() == 0) {
        continue;
      }
      String key = f.get("depth").asInt() + ":" + f.get("name").asText();
      long delta = variant.get(key) - baseline.getOrDefault(key, 0L);
      assertEquals(delta, f.get("delta").asLong(), key);
      Matcher rgb = Pattern.compile("rgb\\((\\d+) ?, ?(\\d+), ?(\\d+)\\)").matcher(f.get("fill").asText());
      assertTrue(rgb.matches(), f.get("fill").asText());
      int r = Integer.parseInt(rgb.group(1));
      int b = Integer.parseInt(rgb.group(3));
      // d3-flame-graph's differential colours: red or blue in proportion to |delta| / the frame's
      // total; a change under 1 - 220/235 of it (6.4%) keeps the neutral 220 of the other channel
      // above it, so only larger changes must show their sign.
      if (Math.abs(delta) * 100 < 7L * Math.max(variant.get(key), Math.abs(delta))) {
        continue;
      }
      if (delta > 0) {
        assertTrue(r > b, key + " grew: red " + f.get("fill"));
        grew++;
      } else if (delta < 0) {
        assertTrue(b > r, key + " shrank: blue " + f.get("fill"));
        shrank++;
      }
    }
    assertTrue(grew > 0 && shrank > 0, grew + " frames grew, " + shrank + " shrank");
    assertTrue(variant.get("3:spin:vm_map") > 0 && !baseline.containsKey("3:spin:vm_map"),
        "only the 2013 kernel waits for the map token in vm_fault");
  }

  /** depth:frame -> total nanoseconds through it (stacks are distinct by depth and name here). */
  private static java.util.Map<String, Long> totals(java.util.Map<String, Long> folded) {
    java.util.Map<String, Long> out = new java.util.HashMap<>();
    folded.forEach((stack, ns) -> {
      String[] fr = stack.split(";");
      for (int d = 1; d <= fr.length; d++) {
        out.merge(d + ":" + fr[d - 1], ns, Long::sum);
      }
    });
    return out;
  }

  @Test
  void experimentReportDrawsOneLinePerVariant(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("exp");
    assertEquals(Main.OK, Main.execute("experiment", "--quiet", "--out", out.toString(), "-D", "sim.end-time=1ms",
        "../conf/experiments/zone-pcpu.conf"));
    List<String> lines = Files.readAllLines(out.resolve("results.csv"));
    int points = lines.size() - 1;
    JsonNode check = render(tmp, out.resolve("report.html"));
    assertEquals(0, check.get("errors").size(), "no script errors: " + check.get("errors"));
    // The headlines, and the per-task efficiency since the processes vary.
    List<Report.Metric> charted = new java.util.ArrayList<>(Report.HEADLINES);
    charted.add(Report.EFFICIENCY);
    assertEquals(charted.size(), check.get("charts").size(), "one chart per headline metric and the efficiency");
    for (JsonNode c : check.get("charts")) {
      assertTrue(c.get("painted").asInt() > 1000, c.get("id") + " painted its canvas");
      assertEquals("line", c.get("type").asText());
      assertEquals(List.of("pcpu-off", "pcpu-on"), JSON.convertValue(c.get("datasets"), List.class),
          "one line per variant");
      assertEquals(points / 2, c.get("labels").asInt(), "one point per sweep value");
      assertEquals("workload.processes", c.get("axes").get(0).asText());
    }
    // Each point plotted is results.csv's value of its variant, sweep value and metric.
    List<String> header = List.of(lines.get(0).split(",", -1));
    for (int mi = 0; mi < charted.size(); mi++) {
      JsonNode c = check.get("charts").get(mi);
      int column = header.indexOf(charted.get(mi).column());
      for (String line : lines.subList(1, lines.size())) {
        String[] row = line.split(",", -1);
        int v = List.of("pcpu-off", "pcpu-on").indexOf(row[0]);
        int x = -1;
        for (int k = 0; k < c.get("labelNames").size(); k++) {
          if (c.get("labelNames").get(k).asText().equals(row[header.indexOf("workload.processes")])) {
            x = k;
          }
        }
        assertEquals(Double.parseDouble(row[column]), c.get("values").get(v).get(x).asDouble(), 1e-9,
            charted.get(mi).column() + " of " + line);
      }
    }
    screenshot(tmp, out.resolve("report.html"), "experiment-report.png", "1200,1400");
  }
}
