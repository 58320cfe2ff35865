package dfsim.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dfsim.core.config.BadInputException;
import dfsim.core.metrics.CpuCounter;
import dfsim.core.metrics.CpuState;
import dfsim.core.metrics.LiveCpus;
import dfsim.core.sim.Progress;
import dfsim.core.topology.Topology;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live view of {@code run --serve}: an HTTP server on 127.0.0.1 that serves a page updating
 * while the simulation runs ({@code /}), the per-CPU metrics in the Prometheus text exposition
 * format ({@code /metrics}) and the run's status as JSON ({@code /api/status}).
 *
 * <p>The figures come from samples the engine takes on its own thread at a progress point (see
 * {@link Progress}), asked for four times a second; HTTP threads only read the last published
 * sample, never LP state. The last sample is taken at the end of the run, so that {@code /metrics}
 * then shows the per-CPU values metrics.json holds.
 */
final class LiveServer implements AutoCloseable {
  static final long SAMPLE_EVERY_MS = 250;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One published view of the run; replaced whole, never changed. */
  private record View(String state, LiveCpus cpus, long wallMs, String digest, String message) {}

  private final HttpServer server;
  private final ExecutorService http;
  private final ScheduledExecutorService ticker;
  private final Progress progress = new Progress();
  private final Topology topology;
  private final Map<String, Object> about = new LinkedHashMap<>();
  private final long endNs;
  private final long startNanos = System.nanoTime();
  private final String page;
  private volatile View view;

  /**
   * Binds 127.0.0.1:{@code port} (0: a free port) for the run of {@code sim} on {@code engine}.
   * A port that cannot be bound is bad input.
   */
  LiveServer(Simulation sim, String engine, int port) {
    if (port < 0 || port > 65535) {
      throw new BadInputException("--port " + port + ": must be 0 (a free port) .. 65535");
    }
    this.topology = sim.built().topology();
    this.endNs = sim.built().sim().endTimeNs();
    about.put("config", sim.name());
    about.put("seed", sim.seed());
    about.put("engine", engine);
    about.put("end_ns", endNs);
    this.view = new View("running", new LiveCpus(topology.cpus(), 0, 0), 0, null, null);
    this.page = Report.live("dfsim run --serve: " + sim.name() + ", seed " + sim.seed());
    progress.sampleWith((simulatedNs, events) -> view = new View("running",
        LiveCpus.observe(sim.built().model().lps(), topology.cpus(), simulatedNs, events), wallMs(), null, null));
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    } catch (BindException e) {
      throw new BadInputException("--port " + port + ": cannot listen on 127.0.0.1:" + port + " ("
          + e.getMessage() + "); choose another port, or 0 for a free one");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    http = Executors.newFixedThreadPool(2, daemon("dfsim-http"));
    server.setExecutor(http);
    server.createContext("/", this::route);
    server.start();
    ticker = Executors.newSingleThreadScheduledExecutor(daemon("dfsim-live"));
    ticker.scheduleAtFixedRate(progress::requestSample, 0, SAMPLE_EVERY_MS, TimeUnit.MILLISECONDS);
  }

  /** Returns the page's address. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /** Returns the progress the run must report to, for its samples. */
  Progress progress() {
    return progress;
  }

  /** The run ended with {@code digest}; the engine's last sample is its end. */
  void completed(String digest) {
    View v = view;
    view = new View("complete", v.cpus(), wallMs(), digest, null);
  }

  /** The run failed with {@code message}. */
  void failed(String message) {
    View v = view;
    view = new View("failed", v.cpus(), wallMs(), null, message);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    server.stop(0);
    http.shutdownNow();
  }

  private long wallMs() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private void route(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
        send(ex, 405, "text/plain; charset=utf-8", "only GET\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      switch (ex.getRequestURI().getPath()) {
        case "/", "/index.html" -> send(ex, 200, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
        case "/api/status" -> send(ex, 200, "application/json", JSON.writeValueAsBytes(status(view)));
        case "/metrics" -> send(ex, 200, PrometheusTextFormatWriter.CONTENT_TYPE, prometheus(view));
        default -> send(ex, 404, "text/plain; charset=utf-8",
            "not found; try / , /metrics or /api/status\n".getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private static void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(code, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** The JSON of {@code /api/status}: the run, how far it is, and one object per CPU. */
  private Map<String, Object> status(View v) {
    LiveCpus c = v.cpus();
    Map<String, Object> s = new LinkedHashMap<>(about);
    s.put("state", v.state());
    s.put("simulated_ns", c.simulatedNs());
    s.put("events", c.events());
    s.put("wall_ms", v.wallMs());
    s.put("events_per_s", v.wallMs() <= 0 ? 0 : c.events() * 1000 / v.wallMs());
    if (v.digest() != null) {
      s.put("digest", v.digest());
    }
    if (v.message() != null) {
      s.put("message", v.message());
    }
    List<Map<String, Object>> cpus = new ArrayList<>();
    for (int cpu = 0; cpu < c.cpus(); cpu++) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("id", cpu);
      o.put("socket", topology.socketOf(cpu));
      o.put("die", topology.dieOf(cpu));
      for (CpuState st : CpuState.values()) {
        o.put(st.name().toLowerCase() + "_ns", c.stateNs(cpu, st));
      }
      for (CpuCounter k : CpuCounter.values()) {
        o.put(k.json(), c.counter(cpu, k));
      }
      cpus.add(o);
    }
    s.put("cpus", cpus);
    return s;
  }

  /**
   * The text of {@code /metrics}: run gauges and one counter family per CPU state and counter of
   * metrics.json, each series labelled {@code cpu} and {@code socket}. Names keep the unit of
   * metrics.json (ns), so that the values are the same integers.
   */
  private byte[] prometheus(View v) throws IOException {
    LiveCpus c = v.cpus();
    List<MetricSnapshot> families = new ArrayList<>();
    families.add(gauge("dfsim_simulated_ns", "Simulated time every LP has reached, in ns", c.simulatedNs()));
    families.add(gauge("dfsim_end_ns", "Simulated end time of the run, in ns", endNs));
    families.add(gauge("dfsim_run_complete", "1 once the run has ended and the values are final", 
        v.state().equals("complete") ? 1 : 0));
    families.add(CounterSnapshot.builder().name("dfsim_events").help("Simulated events delivered")
        .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(c.events()).build()).build());
    for (CpuState st : CpuState.values()) {
      String name = st.name().toLowerCase();
      families.add(perCpu("dfsim_cpu_" + name + "_ns", "Simulated time the CPU spent " + name + ", in ns",
          cpu -> c.stateNs(cpu, st), c.cpus()));
    }
    for (CpuCounter k : CpuCounter.values()) {
      families.add(perCpu("dfsim_cpu_" + k.json(), "metrics.json cpus[]." + k.json()
          + (k.json().endsWith("_ns") ? ", in ns" : ""), cpu -> c.counter(cpu, k), c.cpus()));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, new MetricSnapshots(families), EscapingScheme.UNDERSCORE_ESCAPING);
    return out.toByteArray();
  }

  private static GaugeSnapshot gauge(String name, String help, double value) {
    return GaugeSnapshot.builder().name(name).help(help)
        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
  }

  private CounterSnapshot perCpu(String name, String help, java.util.function.IntToLongFunction value, int cpus) {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    for (int cpu = 0; cpu < cpus; cpu++) {
      b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
          .labels(Labels.of("cpu", Integer.toString(cpu), "socket", Integer.toString(topology.socketOf(cpu))))
          .value(value.applyAsLong(cpu)).build());
    }
    return b.build();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
