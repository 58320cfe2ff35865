package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real headless Chromium for the page tests: Debian's {@code chromium}, installed with apt-get if
 * missing. {@link #run} loads a page once (dump the DOM, take a screenshot); {@link #open} starts
 * a browser driven over the DevTools protocol, for pages that change while they are watched.
 * Every browser is bounded in time and killed with its child processes.
 */
final class Chromium {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static String binary;

  private Chromium() {}

  /** Returns the chromium binary, installing Debian's package if it is missing. */
  static synchronized String binary() throws Exception {
    if (binary == null) {
      binary = onPath("chromium");
    }
    if (binary == null) {
      // The test setup installs Debian's chromium (a package registry is all this needs).
      ProcessBuilder install = new ProcessBuilder("sh", "-c",
          "apt-get install -y -q chromium || (apt-get update -q && apt-get install -y -q chromium)")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      install.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process p = install.start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
      binary = onPath("chromium");
    }
    assertTrue(binary != null, "chromium is not installed and apt-get install chromium failed");
    return binary;
  }

  private static String onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  /** The flags of every headless browser here; no background networking, as pages need none. */
  private static List<String> command(Path profile) throws Exception {
    return new ArrayList<>(List.of(binary(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile));
  }

  /** Loads {@code url} once with {@code args} (--dump-dom, --screenshot=...), bounded; returns stdout. */
  static String run(Path profile, String url, String... args) throws Exception {
    List<String> cmd = command(profile);
    cmd.add("--virtual-time-budget=10000");
    cmd.addAll(List.of(args));
    cmd.add(url);
    Path out = Files.createTempFile(profile, "stdout", ".txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        throw new AssertionError("chromium did not finish within 90 s");
      }
    } finally {
      kill(p);
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  /** Starts a browser on about:blank and attaches to its page over the DevTools protocol. */
  static Page open(Path profile) throws Exception {
    List<String> cmd = command(profile);
    cmd.addAll(List.of("--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--window-size=1200,900", "about:blank"));
    Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      // Chromium writes the port it picked into the profile.
      Path portFile = profile.resolve("DevToolsActivePort");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
        assertTrue(System.nanoTime() < deadline && p.isAlive(), "chromium opened no DevTools port within 60 s");
        Thread.sleep(100);
      }
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      String targets = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
      for (JsonNode t : JSON.readTree(targets)) {
        if (t.get("type").asText().equals("page")) {
          return new Page(p, http, t.get("webSocketDebuggerUrl").asText());
        }
      }
      throw new AssertionError("chromium has no page target: " + targets);
    } catch (Exception | AssertionError e) {
      kill(p);
      throw e;
    }
  }

  /** Kills a browser and every process it started, and waits for them. */
  static void kill(Process p) throws InterruptedException {
    List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
    all.forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    p.waitFor(20, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (ProcessHandle h : all) {
      while (h.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(!h.isAlive(), "chromium process " + h.pid() + " outlived its kill");
    }
  }

  /** A page driven over the DevTools protocol; collects console errors and exceptions. */
  static final class Page implements AutoCloseable {
    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();

    private Page(Process process, HttpClient http, String ws) throws Exception {
      this.process = process;
      this.socket = http.newWebSocketBuilder().buildAsync(URI.create(ws), new Listener())
          .get(10, TimeUnit.SECONDS);
      call("Runtime.enable", Map.of());
      call("Page.enable", Map.of());
    }

    /** Calls a DevTools method and returns its result, within 30 s. */
    JsonNode call(String method, Map<String, Object> params) throws Exception {
      int id = ids.incrementAndGet();
      CompletableFuture<JsonNode> reply = new CompletableFuture<>();
      pending.put(id, reply);
      ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
      msg.set("params", JSON.valueToTree(params));
      socket.sendText(JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
      JsonNode r = reply.get(30, TimeUnit.SECONDS);
      if (r.has("error")) {
        throw new AssertionError(method + " failed: " + r.get("error"));
      }
      return r.get("result");
    }

    void navigate(String url) throws Exception {
      call("Page.navigate", Map.of("url", url));
    }

    /** Evaluates {@code expression} in the page and returns its value as JSON. */
    JsonNode evaluate(String expression) throws Exception {
      JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
      if (r.has("exceptionDetails")) {
        throw new AssertionError(expression + " threw " + r.get("exceptionDetails"));
      }
      return r.get("result").path("value");
    }

    /** Saves a PNG of the page. */
    void screenshot(Path png) throws Exception {
      String data = call("Page.captureScreenshot", Map.of("format", "png")).get("data").asText();
      Files.write(png, java.util.Base64.getDecoder().decode(data));
    }

    /** Uncaught exceptions and console.error calls seen so far. */
    List<String> errors() {
      return List.copyOf(errors);
    }

    @Override
    public void close() throws Exception {
      socket.abort();
      kill(process);
    }

    private final class Listener implements WebSocket.Listener {
      private final StringBuilder text = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
          handle(text.toString());
          text.setLength(0);
        }
        ws.request(1);
        return null;
      }

      private void handle(String message) {
        try {
          JsonNode m = JSON.readTree(message);
          if (m.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
            if (f != null) {
              f.complete(m);
            }
          } else if (m.path("method").asText().equals("Runtime.exceptionThrown")) {
            errors.add("exception: " + m.path("params").path("exceptionDetails"));
          } else if (m.path("method").asText().equals("Runtime.consoleAPICalled")
              && m.path("params").path("type").asText().equals("error")) {
            errors.add("console.error: " + m.path("params").path("args"));
          }
        } catch (Exception e) {
          errors.add("unreadable DevTools message: " + e);
        }
      }
    }
  }
}
