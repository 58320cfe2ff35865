package dfsim.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of every command that runs a plan of runs: {@code experiment} and {@code scale}. */
final class ExperimentOptions {
  @Option(names = "--engine", defaultValue = "sequential",
      description = "actors | sequential (default: ${DEFAULT-VALUE}: the points are the parallelism)")
  String engine;

  @Option(names = "--threads", defaultValue = "1", description = "actor engine threads per run")
  int threads;

  @Option(names = "--jobs", description = "runs in parallel (default: the number of cores)")
  Integer jobs;

  @Option(names = "--nodes", description = "spread the points over a cluster of N JVMs")
  Integer nodes;

  @Option(names = "--join-timeout", defaultValue = "60", paramLabel = "SECONDS",
      description = "with --nodes: fails when the workers have not all joined within this many seconds (default: ${DEFAULT-VALUE})")
  int joinTimeout;

  @Option(names = "--out", description = "output directory (default: out/<config>-<hash of the plan>/)")
  Path out;

  @Option(names = "--force", description = "writes into --out even if it holds another experiment's outputs")
  boolean force;

  @Option(names = "-D", paramLabel = "key=value", description = "overrides one config key in every run")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--quiet", description = "prints nothing but errors")
  boolean quiet;

  /** Runs in parallel: --jobs, or the number of cores. */
  int parallel() {
    int parallel = jobs == null ? Runtime.getRuntime().availableProcessors() : jobs;
    if (parallel < 1) {
      throw new dfsim.core.config.BadInputException("--jobs " + parallel + ": must be >= 1");
    }
    return parallel;
  }
}
