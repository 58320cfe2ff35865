package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The actor engine gives the sequential engine's digest on every config shipped in conf/ (each
 * variant of an experiment at its sweep's first and last point), and on topologies no config
 * ships, with 1, 2 and 4 dispatcher threads and every message serialized.
 */
final class EngineEqualityTest {
  private static final List<String> SHORT = List.of("sim.end-time=1ms", "pekko.actor.serialize-messages=on");

  /** A case: a label, a config file (or null for the embedded default) and overrides. */
  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("../conf"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".conf")).sorted().toList()) {
        Experiment ex = Experiment.plan(f, SHORT);
        List<Experiment.Point> points = ex.points();
        for (int i = 0; i < points.size(); i++) {
          String v = points.get(i).variant();
          boolean first = i == 0 || !points.get(i - 1).variant().equals(v);
          boolean last = i == points.size() - 1 || !points.get(i + 1).variant().equals(v);
          if (first || last) {
            Experiment.Point p = points.get(i);
            out.add(Arguments.of(f + " " + v + " " + p.sweep(), p.runs().get(0)));
          }
        }
      }
    }
    for (String topo : List.of(
        "topology.sockets=3|topology.cores-per-socket=5",
        "topology.dies-per-socket=2|topology.cores-per-socket=6|topology.memoryless-dies=[1]",
        "topology.threads-per-core=2|topology.cores-per-socket=4|workload.fault-storm.object=private",
        "workload.kind=token-storm|workload.token-storm.handoff=true|kernel.lwkt.scheduler=fairq|topology.sockets=3",
        "workload.kind=token-storm|workload.token-storm.handoff=true|workload.threads=32")) {
      List<String> o = new ArrayList<>(SHORT);
      o.addAll(List.of(topo.split("\\|")));
      Experiment ex = Experiment.plan(Path.of("../conf/default.conf"), o);
      out.add(Arguments.of(topo, ex.points().get(0).runs().get(0)));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void actorsMatchSequential(String label, Experiment.Run run) {
    String expected = Experiment.execute(run, "sequential", 1).digest();
    for (int threads : new int[] {1, 2, 4}) {
      assertEquals(expected, Experiment.execute(run, "actors", threads).digest(), label + ", " + threads + " threads");
    }
    assertFalse(expected.isEmpty());
  }
}
