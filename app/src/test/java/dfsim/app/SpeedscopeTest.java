package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's profile.folded opens in speedscope (the npm package, installed by the build beside the
 * report's libraries) as a user would open it: served from 127.0.0.1 with speedscope itself, loaded
 * by its {@code #profileURL=} address in headless {@link Chromium}, and read back from its Sandwich
 * view, the table of every function with its total and self time. Each function's figures there
 * are those profile.folded gives: self, the stacks that end in it; total, the stacks through it.
 */
final class SpeedscopeTest {
  private static final Path SPEEDSCOPE = Path.of("src/main/js/node_modules/speedscope/dist/release");

  @BeforeAll
  static void setUp() throws Exception {
    Chromium.binary();
    assertTrue(Files.isRegularFile(SPEEDSCOPE.resolve("index.html")), "speedscope installed by npm ci");
  }

  /** Function name -> {total, self} as speedscope's Sandwich view lists them. */
  private static Map<String, long[]> sandwich(Path browserProfile, Path folded) throws Exception {
    Files.createDirectories(browserProfile);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      Path file = path.equals("/profile.folded") ? folded : SPEEDSCOPE.resolve(path.substring(1)).normalize();
      if (!file.startsWith(SPEEDSCOPE) && !file.equals(folded) || !Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
        return;
      }
      byte[] body = Files.readAllBytes(file);
      exchange.getResponseHeaders().add("Content-Type", path.endsWith(".js") ? "text/javascript"
          : path.endsWith(".css") ? "text/css" : path.endsWith(".html") ? "text/html" : "application/octet-stream");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      String dom = Chromium.run(browserProfile, base + "/index.html#profileURL=" + base + "/profile.folded&view=sandwich",
          "--window-size=1200,4000", "--dump-dom");
      assertTrue(dom.contains("<title>profile.folded - speedscope</title>"), "speedscope loaded the file");
      Map<String, long[]> out = new LinkedHashMap<>();
      Matcher row = Pattern.compile("<tr[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(dom);
      while (row.find()) {
        String[] cells = row.group(1).replaceAll("<[^>]*>", "|").replaceAll("\\|+", "|").split("\\|");
        java.util.List<String> text = java.util.Arrays.stream(cells).map(String::trim).filter(c -> !c.isEmpty()).toList();
        if (text.size() == 3 && !text.get(0).equals("Total")) {
          out.put(text.get(2).replace("&lt;", "<").replace("&gt;", ">"),
              new long[] {ns(text.get(0)), ns(text.get(1))});
        }
      }
      return out;
    } finally {
      server.stop(0);
    }
  }

  /** "732,114,770 (92%)" -> 732114770. */
  private static long ns(String cell) {
    return Long.parseLong(cell.substring(0, cell.indexOf(' ')).replace(",", ""));
  }

  @Test
  void speedscopeListsEveryFunctionWithTheTotalsOfProfileFolded(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    assertEquals(Main.OK, Main.execute("run", "--quiet", "--out", out.toString(), "-D", "sim.end-time=2ms",
        "../conf/default.conf"));
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> total = new HashMap<>();
    for (String line : Files.readAllLines(out.resolve("profile.folded"))) {
      String stack = line.substring(0, line.lastIndexOf(' '));
      long ns = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
      String[] frames = stack.split(";");
      self.merge(frames[frames.length - 1], ns, Long::sum);
      Set<String> through = new HashSet<>(java.util.List.of(frames));
      through.forEach(f -> total.merge(f, ns, Long::sum));
    }
    Map<String, long[]> shown = sandwich(tmp.resolve("browser"), out.resolve("profile.folded"));
    assertEquals(total.keySet(), shown.keySet(), "every function of profile.folded, and only those");
    total.forEach((f, ns) -> {
      assertEquals(ns, shown.get(f)[0], f + ": total");
      assertEquals(self.getOrDefault(f, 0L), shown.get(f)[1], f + ": self");
    });
    assertTrue(shown.get("spin:vm_map")[1] > shown.get("user")[1], "the map token's spin leads");
  }
}
