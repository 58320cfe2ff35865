package dfsim.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options of one run that {@code run} and {@code cluster} share (docs/reference.md, Outputs). */
final class RunOptions {
  @Option(names = "--seed", description = "overrides sim.seed")
  Long seed;

  @Option(names = "--out", description = "output directory (default: out/<config>-<hash>-<seed>/)")
  Path out;

  @Option(names = "--force", description = "writes into --out even if it holds another configuration's outputs")
  boolean force;

  @Option(names = "-D", paramLabel = "key=value", description = "overrides one config key")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--trace", paramLabel = "FROM..TO",
      description = "writes trace.json, a timeline of [FROM, TO) of simulated time (e.g. 1ms..1.2ms) for Perfetto "
          + "and chrome://tracing; the same as -D metrics.trace=FROM..TO")
  String trace;

  @Option(names = "--quiet", description = "prints only the digest line")
  boolean quiet;

  @Parameters(arity = "0..1", paramLabel = "CONFIG",
      description = "HOCON config file (default: the embedded conf/default.conf)")
  Path config;

  /** Loads and checks the run's configuration. */
  Simulation prepare() {
    List<String> all = new ArrayList<>(overrides);
    if (trace != null) {
      all.add("metrics.trace=\"" + trace + "\"");
    }
    return Simulation.prepare(config, all, seed);
  }

  /**
   * Claims the output directory of {@code sim}'s run before it starts: by default
   * out/&lt;config&gt;-&lt;short hash of the resolved configuration but its seed&gt;-&lt;seed&gt;, so
   * that runs that differ never share one.
   */
  OutputDir claim(Simulation sim) {
    Path dir = out != null ? out : Path.of("out", sim.name() + "-" + sim.shortHash() + "-" + sim.seed());
    return OutputDir.claim(dir, "config.conf", sim.renderedConfig(), force);
  }
}
