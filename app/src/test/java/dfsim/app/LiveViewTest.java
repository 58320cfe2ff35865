package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.CpuState;
import dfsim.core.metrics.LiveCpus;
import dfsim.core.metrics.MetricsReport;
import dfsim.core.sim.Progress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The live view of {@code run --serve}: the engines' samples at the end are the figures of
 * metrics.json; a real {@code dfsim run --serve-after} JVM serves a page that real Chromium sees
 * advance, {@code /metrics} passes a strict text-format parse and ends equal to metrics.json, and
 * the server goes away with the run.
 */
final class LiveViewTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @ParameterizedTest
  @ValueSource(strings = {"sequential", "actors"})
  void theLastSampleIsTheEndOfTheRun(String engine) {
    Simulation sim = Simulation.prepare(Path.of("../conf/default.conf"), List.of("sim.end-time=3ms"), null);
    Progress progress = new Progress();
    List<LiveCpus> samples = new ArrayList<>();
    progress.sampleWith((ns, events) -> samples.add(
        LiveCpus.observe(sim.built().model().lps(), sim.built().topology().cpus(), ns, events)));
    progress.requestSample();
    MetricsReport report = sim.run(sim.engine(engine, 2), progress);
    assertTrue(samples.size() >= 2, "a sample mid-run and one at the end");
    assertTrue(samples.get(0).simulatedNs() < 3_000_000, "the first sample was taken mid-run");
    LiveCpus end = samples.get(samples.size() - 1);
    assertEquals(3_000_000, end.simulatedNs());
    assertEquals(((Number) ((Map<?, ?>) report.tree().get("run")).get("events")).longValue(), end.events());
    List<?> cpus = (List<?>) report.tree().get("cpus");
    for (int c = 0; c < cpus.size(); c++) {
      Map<?, ?> cpu = (Map<?, ?>) cpus.get(c);
      for (CpuState s : CpuState.values()) {
        assertEquals(((Number) cpu.get(s.name().toLowerCase() + "_ns")).longValue(), end.stateNs(c, s),
            "cpu " + c + " " + s);
      }
      for (CpuCounter k : CpuCounter.values()) {
        assertEquals(((Number) cpu.get(k.json())).longValue(), end.counter(c, k), "cpu " + c + " " + k.json());
      }
    }
  }

  @Test
  void chromiumSeesTheRunAdvanceAndMetricsEndEqualMetricsJson(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    // Chromium starts before the run, so that its start-up never eats the run's 400 ms.
    Chromium.Page page = Chromium.open(tmp.resolve("profile"));
    Process run = Jvm.start(tmp.resolve("run.log"), "run", "--serve-after", "--port", "0", "--quiet",
        "--out", out.toString(), "-D", "sim.end-time=400ms", "../conf/default.conf");
    BlockingQueue<String> stdout = lines(run);
    try {
      String first = stdout.poll(60, TimeUnit.SECONDS);
      assertTrue(first != null && first.startsWith("live view: http://127.0.0.1:"), "the URL first: " + first);
      String url = first.substring("live view: ".length());
      long endNs = 400_000_000L;

      List<Long> seen = new ArrayList<>();
      String midRunMetrics = null;
      try (page) {
        page.navigate(url);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        String state = "";
        while (!state.equals("complete")) {
          assertTrue(System.nanoTime() < deadline, "the run completed within 240 s; page saw " + seen);
          Thread.sleep(200);
          JsonNode live = page.evaluate("window.dfsimLive ? JSON.stringify(window.dfsimLive) : null");
          if (live.isNull()) {
            continue;
          }
          JsonNode l = JSON.readTree(live.asText());
          state = l.get("state").asText();
          seen.clear();
          l.get("simulatedNs").forEach(n -> seen.add(n.asLong()));
          if (midRunMetrics == null && state.equals("running")) {
            midRunMetrics = get(url + "metrics");
          }
        }
        Path png = Path.of("target", "report-artifacts", "live-view.png");
        Files.createDirectories(png.getParent());
        page.screenshot(png);
        assertTrue(Files.size(png) > 10_000, "the live page painted");
        assertEquals(List.of(), page.errors(), "no console errors or exceptions");
        assertEquals(0, page.evaluate("window.dfsimErrors.length").asInt());
        assertEquals(3, page.evaluate("Chart.getChart('live-bars').data.datasets.length").asInt());
        assertEquals(16, page.evaluate("Chart.getChart('live-bars').data.labels.length").asInt(),
            "one bar group per CPU");
      }
      List<Long> running = seen.stream().filter(ns -> ns < endNs).distinct().toList();
      assertTrue(running.size() >= 2, "the page saw simulated time advance while running: " + seen);
      for (int i = 1; i < seen.size(); i++) {
        assertTrue(seen.get(i) >= seen.get(i - 1), "simulated time never goes back: " + seen);
      }
      assertEquals(endNs, seen.get(seen.size() - 1));

      // Mid-run and final /metrics are valid exposition text; the final one is metrics.json.
      assertTrue(midRunMetrics != null, "/metrics was read while running");
      PrometheusText.parse(midRunMetrics);
      Map<String, PrometheusText.Family> metrics = PrometheusText.parse(get(url + "metrics"));
      JsonNode json = JSON.readTree(out.resolve("metrics.json").toFile());
      assertEquals(1.0, metrics.get("dfsim_run_complete").samples.get(0).value());
      assertEquals(json.get("run").get("events").asLong(), (long) metrics.get("dfsim_events_total").samples.get(0).value());
      int checked = 0;
      for (JsonNode cpu : json.get("cpus")) {
        List<String> keys = new ArrayList<>(List.of("busy_ns", "spin_ns", "idle_ns"));
        for (CpuCounter k : CpuCounter.values()) {
          keys.add(k.json());
        }
        for (String key : keys) {
          PrometheusText.Family f = metrics.get("dfsim_cpu_" + key + "_total");
          assertTrue(f != null && f.type.equals("counter"), key + " is a counter family");
          PrometheusText.Sample s = f.samples.stream()
              .filter(x -> x.labels().get("cpu").equals(cpu.get("id").asText())).findFirst().orElseThrow();
          assertEquals(cpu.get("socket").asText(), s.labels().get("socket"));
          assertEquals(cpu.get(key).asLong(), (long) s.value(), "cpu " + cpu.get("id") + " " + key);
          checked++;
        }
      }
      assertEquals(16 * (3 + CpuCounter.values().length), checked);
      JsonNode status = JSON.readTree(get(url + "api/status"));
      assertEquals(json.get("run").get("digest").asText(), status.get("digest").asText());
      String digestLine = stdout.poll(30, TimeUnit.SECONDS);
      assertEquals("result digest: " + status.get("digest").asText(), digestLine);
    } finally {
      page.close();
      run.destroy(); // SIGTERM, as Ctrl-C would stop --serve-after
      assertTrue(run.waitFor(30, TimeUnit.SECONDS), "the serving JVM stops when told to");
    }
  }

  @Test
  void theServerStopsWithTheRunWithoutServeAfter() throws Exception {
    Cli r = Cli.run("run", "--serve", "--port", "0", "--quiet", "--out",
        Files.createTempDirectory("live").toString(), "-D", "sim.end-time=1ms", "../conf/default.conf");
    assertEquals(Main.OK, r.exit(), r.err());
    String first = r.out().lines().findFirst().orElseThrow();
    assertTrue(first.matches("live view: http://127\\.0\\.0\\.1:\\d+/"), first);
    // The port the server bound (0 = any free one), known only from its line.
    int port = Integer.parseInt(first.replaceAll(".*:(\\d+)/$", "$1"));
    assertTrue(r.lastLine().startsWith("result digest: "));
    AtomicReference<Exception> refused = new AtomicReference<>();
    try {
      get("http://127.0.0.1:" + port + "/api/status");
    } catch (ConnectException e) {
      refused.set(e);
    }
    assertTrue(refused.get() != null, "nothing listens after the run");
  }

  @Test
  void aPortInUseOrOutOfRangeIsBadInput() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Cli r = Cli.run("run", "--serve", "--port", Integer.toString(taken.getLocalPort()), "-D",
          "sim.end-time=1ms", "../conf/default.conf");
      assertEquals(Main.BAD_INPUT, r.exit());
      assertTrue(r.err().strip().startsWith("dfsim: --port " + taken.getLocalPort() + ": cannot listen"), r.err());
      assertFalse(r.err().strip().contains("\n"), "one line: " + r.err());
    }
    Cli r = Cli.run("run", "--serve", "--port", "70000", "../conf/default.conf");
    assertEquals(Main.BAD_INPUT, r.exit());
    assertEquals("dfsim: --port 70000: must be 0 (a free port) .. 65535", r.err().strip());
  }

  private static String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url);
    return r.body();
  }

  /** Reads a process's stdout lines on a thread, into a queue. */
  private static BlockingQueue<String> lines(Process p) {
    BlockingQueue<String> q = new LinkedBlockingQueue<>();
    Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          q.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "run-stdout");
    t.setDaemon(true);
    t.start();
    return q;
  }
}
