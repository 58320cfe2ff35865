package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dfsim.core.metrics.MetricsReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernel profile accounts for every simulated nanosecond of every CPU, in a named kernel
 * function: on every shipped configuration and every variant of every shipped experiment (the
 * kernels of each era, every workload), each CPU's stacks sum to the run's simulated time and
 * each starts at a way into the kernel (none left [unattributed] or under a bare callee by a path
 * that forgot its entry frame). Keeping the profile changes no result.
 */
final class ProfileTest {
  private static final Path CONF = Path.of("../conf");
  /**
   * Where every stack starts: the idle thread, lwkt_switch(), user code, a trap or a system call,
   * and the kernel-thread workloads' own calls (token-storm, alloc-pressure). A path that forgets
   * its entry frame leaves its time at the root ([unattributed]) or under a bare callee.
   */
  private static final Set<String> ENTRIES = Set.of("idle", "lwkt_switch", "user", "trap", "syscall",
      "lwkt_gettoken", "tsleep", "vm_page_alloc", dfsim.core.program.Op.Compute.UNDER_TOKEN);

  /** Every shipped run configuration, and the first run of each variant of each experiment, cut to 1 ms. */
  static Stream<Arguments> shipped() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(CONF)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".conf") && !p.startsWith(CONF.resolve("kernels")))
          .sorted().toList()) {
        Experiment ex = Experiment.plan(f, List.of());
        Set<String> variants = new LinkedHashSet<>();
        for (Experiment.Point p : ex.points()) {
          if (variants.add(p.variant())) {
            out.add(Arguments.of(CONF.relativize(f) + " " + p.variant(), shortRun(p.runs().get(0).config())));
          }
        }
      }
    }
    return out.stream();
  }

  private static Config shortRun(Config c) {
    return c.withValue("sim.end-time", ConfigValueFactory.fromAnyRef("1ms"))
        .withValue("sim.warmup", ConfigValueFactory.fromAnyRef("0ns"))
        .withValue("metrics.sample-interval", ConfigValueFactory.fromAnyRef("0ns"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shipped")
  void everyNanosecondOfEveryCpuIsInANamedFunction(String name, Config config) {
    MetricsReport r = Simulation.fromConfig(name, config).runOn("sequential", 1);
    long simulated = ((Number) ((Map<?, ?>) r.tree().get("run")).get("simulated_ns")).longValue();
    assertFalse(r.profile().isEmpty(), "no profile kept");
    r.profile().forEach((cpu, stacks) -> {
      assertEquals(simulated, stacks.values().stream().mapToLong(Long::longValue).sum(), "CPU " + cpu);
      stacks.keySet().forEach(stack -> assertTrue(ENTRIES.contains(stack.split(";")[0]),
          "CPU " + cpu + " spent " + stacks.get(stack) + " ns in " + stack + ", not under a way into the kernel "
              + ENTRIES));
    });
  }

  /** Workloads whose paths differ most: faults and munmap, fork/exec, umtx with a debugger, tokens. */
  static Stream<String> withAndWithout() {
    return Stream.of("default.conf", "experiments/fork-exec.conf", "experiments/umtx-fork.conf",
        "experiments/lwkt-tokens.conf", "workloads/will-it-scale/tlb_flush1.conf");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("withAndWithout")
  void keepingTheProfileOrATimelineChangesNoResult(String file) {
    Config c = shortRun(Experiment.plan(CONF.resolve(file), List.of()).points().get(0).runs().get(0).config());
    MetricsReport on = Simulation.fromConfig(file, c).runOn("sequential", 1);
    MetricsReport off = Simulation.fromConfig(file,
        c.withValue("metrics.profile", ConfigValueFactory.fromAnyRef("off"))).runOn("sequential", 1);
    MetricsReport traced = Simulation.fromConfig(file,
        c.withValue("metrics.trace", ConfigValueFactory.fromAnyRef("100us..900us"))).runOn("sequential", 1);
    assertTrue(off.profile().isEmpty());
    assertTrue(!traced.timeline().isEmpty());
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String section : MetricsReport.DIGESTED) {
      assertEquals(json.valueToTree(on.tree().get(section)), json.valueToTree(off.tree().get(section)), section);
      assertEquals(json.valueToTree(on.tree().get(section)), json.valueToTree(traced.tree().get(section)), section);
    }
    assertEquals(on.digest(), off.digest());
    assertEquals(on.digest(), traced.digest());
  }

  @Test
  void runWritesTheBoxAndEachCpuAsFoldedStacks(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("o");
    Cli r = Cli.run("run", "--out", out.toString(), "-D", "sim.end-time=2ms", "../conf/default.conf");
    assertEquals(0, r.exit(), r.err());
    Map<String, Long> box = folded(out.resolve("profile.folded"));
    Map<String, Long> perCpu = folded(out.resolve("profile-cpus.folded"));
    Map<String, Long> summed = new java.util.TreeMap<>();
    perCpu.forEach((stack, ns) -> summed.merge(stack.substring(stack.indexOf(';') + 1), ns, Long::sum));
    assertEquals(summed, box);
    assertEquals(16 * 2_000_000L, box.values().stream().mapToLong(Long::longValue).sum());
    assertTrue(box.containsKey("trap;vm_fault;spin:vm_map"), box.keySet().toString());
    assertFalse(Files.exists(tmp.resolve("p").resolve("profile.folded")));
    Cli off = Cli.run("run", "--out", tmp.resolve("p").toString(), "-D", "sim.end-time=1ms", "-D",
        "metrics.profile=off", "../conf/default.conf");
    assertEquals(0, off.exit(), off.err());
    assertFalse(Files.exists(tmp.resolve("p").resolve("profile.folded")), "no profile asked for, none written");
  }

  private static Map<String, Long> folded(Path f) throws IOException {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (String line : Files.readAllLines(f)) {
      int sp = line.lastIndexOf(' ');
      out.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1)));
    }
    return out;
  }
}
