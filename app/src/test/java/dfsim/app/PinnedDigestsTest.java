package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The model's results are those pinned in docs/results/digests.txt: conf/default.conf, every
 * shipped topology, and the first run of every shipped experiment, at their full length on the
 * sequential engine. A change meant to move no result (a restructure, a speed-up) must leave
 * them; one that moves results re-pins them all with {@code bench/digests.sh --write}, which also
 * checks every other run of every experiment.
 */
final class PinnedDigestsTest {
  private static final Path CONF = Path.of("../conf");

  static Map<String, String> pins() throws IOException {
    Map<String, String> pins = new HashMap<>();
    for (String line : Files.readAllLines(Path.of("../docs/results/digests.txt"))) {
      String[] f = line.split(" ");
      pins.put(f[0], f[1]);
    }
    return pins;
  }

  /** A case: the pin's name and the run it pins. */
  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(CONF)) {
      // conf/kernels/ holds kernel presets, fragments that KernelPresetsTest checks.
      for (Path f : files.filter(p -> p.toString().endsWith(".conf") && !p.startsWith(CONF.resolve("kernels")))
          .sorted().toList()) {
        String name = CONF.relativize(f).toString();
        Experiment ex = Experiment.plan(f, List.of());
        Experiment.Point first = ex.points().get(0);
        Experiment.Run run = first.runs().get(0);
        if (name.startsWith("experiments/")) {
          name = "experiments/" + ex.name() + "/" + Experiment.runDir(Path.of(""), first, run);
        }
        out.add(Arguments.of(name, run));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void digestIsPinned(String name, Experiment.Run run) throws IOException {
    String pinned = pins().get(name);
    assertNotNull(pinned, name + " has no pin in docs/results/digests.txt");
    assertEquals(pinned, Experiment.execute(run, "sequential", 1).digest(), name);
  }
}
