package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's outputs open in speedscope (the npm package, installed by the build beside the report's
 * libraries) as a user would open them: served from 127.0.0.1 with speedscope itself, loaded by
 * its {@code #profileURL=} address in headless {@link Chromium}, and read back from its Sandwich
 * view, the table of every function with its total and self time. profile.folded: each
 * function's figures are those the file gives (self, the stacks that end in it; total, the stacks
 * through it). trace.json: one profile per CPU track and per CPU's thread track, the first CPU
 * 0's, with CPU 0's figures from profile-cpus.folded.
 */
final class SpeedscopeTest {
  private static final Path SPEEDSCOPE = Path.of("src/main/js/node_modules/speedscope/dist/release");

  @BeforeAll
  static void setUp() throws Exception {
    Chromium.binary();
    assertTrue(Files.isRegularFile(SPEEDSCOPE.resolve("index.html")), "speedscope installed by npm ci");
  }

  /** What speedscope showed: the Sandwich view's rows (function -> {total ns, self ns}) and the profiles' names. */
  private record Shown(Map<String, long[]> functions, List<String> profiles) {}

  /** Opens {@code file} in speedscope's Sandwich view and reads the table once it is drawn (at most 60 s). */
  private static Shown open(Path browserProfile, Path file) throws Exception {
    Files.createDirectories(browserProfile);
    String name = file.getFileName().toString();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      Path f = path.equals("/" + name) ? file : SPEEDSCOPE.resolve(path.substring(1)).normalize();
      if (!f.equals(file) && !f.startsWith(SPEEDSCOPE) || !Files.isRegularFile(f)) {
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
        return;
      }
      byte[] body = Files.readAllBytes(f);
      exchange.getResponseHeaders().add("Content-Type", path.endsWith(".js") ? "text/javascript"
          : path.endsWith(".css") ? "text/css" : path.endsWith(".html") ? "text/html" : "application/octet-stream");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try (Chromium.Page page = Chromium.open(browserProfile)) {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      page.navigate(base + "/index.html#profileURL=" + base + "/" + name + "&view=sandwich");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        String dom = page.evaluate("document.documentElement ? document.title + '\\n' + document.documentElement.outerHTML : ''").asText();
        Shown shown = parse(dom);
        if (dom.startsWith(name + " - speedscope") && !shown.functions().isEmpty()) {
          return shown;
        }
        assertTrue(System.nanoTime() < deadline, "speedscope drew no Sandwich table of " + name + " within 60 s");
        Thread.sleep(200);
      }
    } finally {
      server.stop(0);
    }
  }

  private static Shown parse(String dom) {
    Map<String, long[]> functions = new LinkedHashMap<>();
    List<String> profiles = new ArrayList<>();
    Matcher row = Pattern.compile("<tr[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(dom);
    while (row.find()) {
      List<String> text = java.util.Arrays.stream(row.group(1).replaceAll("<[^>]*>", "|").split("\\|"))
          .map(String::trim).filter(c -> !c.isEmpty()).toList();
      if (text.size() != 3 || text.get(0).equals("Total") || text.get(0).equals("#")) {
        continue;
      }
      if (text.get(0).matches("\\d+")) {
        profiles.add(text.get(1));
      } else {
        functions.put(text.get(2).replace("&lt;", "<").replace("&gt;", ">"), new long[] {ns(text.get(0)), ns(text.get(1))});
      }
    }
    return new Shown(functions, profiles);
  }

  /** "732,114,770 (92%)" -> 732114770; a trace's times "1.96ms (98%)", "22.87µs", "300.00ns" -> ns. */
  private static long ns(String cell) {
    String v = cell.substring(0, cell.indexOf(' ')).replace(",", "");
    for (String[] unit : new String[][] {{"ms", "1e6"}, {"µs", "1e3"}, {"ns", "1"}, {"s", "1e9"}}) {
      if (v.endsWith(unit[0])) {
        return Math.round(Double.parseDouble(v.substring(0, v.length() - unit[0].length())) * Double.parseDouble(unit[1]));
      }
    }
    return Long.parseLong(v);
  }

  /** Folded lines (optionally only those under a first frame {@code prefix}) -> function -> {total, self}. */
  private static Map<String, long[]> expected(Path folded, String prefix) throws Exception {
    Map<String, long[]> out = new HashMap<>();
    for (String line : Files.readAllLines(folded)) {
      if (!line.startsWith(prefix)) {
        continue;
      }
      String[] frames = line.substring(prefix.length(), line.lastIndexOf(' ')).split(";");
      long ns = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
      out.computeIfAbsent(frames[frames.length - 1], k -> new long[2])[1] += ns;
      new HashSet<>(List.of(frames)).forEach(f -> out.computeIfAbsent(f, k -> new long[2])[0] += ns);
    }
    return out;
  }

  @Test
  void speedscopeListsEveryFunctionWithTheTotalsOfProfileFolded(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    assertEquals(Main.OK, Main.execute("run", "--quiet", "--out", out.toString(), "-D", "sim.end-time=2ms",
        "../conf/default.conf"));
    Map<String, long[]> want = expected(out.resolve("profile.folded"), "");
    Map<String, long[]> shown = open(tmp.resolve("browser"), out.resolve("profile.folded")).functions();
    assertEquals(want.keySet(), shown.keySet(), "every function of profile.folded, and only those");
    want.forEach((f, ns) -> {
      assertEquals(ns[0], shown.get(f)[0], f + ": total");
      assertEquals(ns[1], shown.get(f)[1], f + ": self");
    });
    assertTrue(shown.get("spin:vm_map")[1] > shown.get("user")[1], "the map token's spin leads");
  }

  @Test
  void speedscopeOpensTheTimelineAsOneProfilePerCpu(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    assertEquals(Main.OK, Main.execute("run", "--quiet", "--out", out.toString(), "-D", "sim.end-time=2ms",
        "--trace", "0ms..2ms", "../conf/default.conf"));
    Map<String, long[]> want = expected(out.resolve("profile-cpus.folded"), "cpu0;");
    Shown shown = open(tmp.resolve("browser"), out.resolve("trace.json"));
    assertEquals(32, shown.profiles().size(), "a profile per CPU and per CPU's threads: " + shown.profiles());
    assertTrue(shown.profiles().get(0).contains("cpu 0 (s0 d0)"), shown.profiles().get(0));
    assertEquals(want.keySet(), shown.functions().keySet(), "CPU 0's functions");
    // speedscope shows a trace's times to the hundredth of their unit.
    want.forEach((f, ns) -> {
      assertEquals(ns[0], shown.functions().get(f)[0], 0.006 * ns[0] + 1, f + ": total");
      assertEquals(ns[1], shown.functions().get(f)[1], 0.006 * ns[1] + 1, f + ": self");
    });
  }
}
