package dfsim.app;

import dfsim.core.config.BadInputException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dfsim experiment}: runs every variant x sweep point x seed of an experiment file
 * ({@link ExperimentRun}), or finishes an interrupted one from its plan.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = "Runs variants x sweep x seeds and writes results.csv and report.html.")
final class ExperimentCommand implements Callable<Integer> {
  @Mixin
  ExperimentOptions options = new ExperimentOptions();

  @Option(names = "--resume", paramLabel = "DIR",
      description = "finishes the interrupted experiment in DIR: runs only its missing runs (no CONFIG, -D or --out)")
  Path resume;

  @Parameters(arity = "0..1", paramLabel = "CONFIG", description = "experiment HOCON file")
  Path config;

  /** The plan's file in the output directory. */
  static final String PLAN = ExperimentRun.PLAN;

  @Override
  public Integer call() throws InterruptedException {
    ExperimentRun.check(options);
    Experiment ex;
    Path dir;
    if (resume != null) {
      if (config != null || !options.overrides.isEmpty() || options.out != null || options.force) {
        throw new BadInputException("--resume " + resume + ": takes no CONFIG, -D, --out or --force; the "
            + "experiment's plan is in " + resume.resolve(PLAN));
      }
      dir = resume;
      ex = readPlan(dir);
    } else {
      if (config == null) {
        throw new BadInputException("CONFIG: an experiment file is required (or --resume DIR)");
      }
      ex = Experiment.plan(config, options.overrides);
      dir = ExperimentRun.claim(ex, options);
    }
    return ExperimentRun.run(ex, dir, resume != null, options);
  }

  /** Reads the plan of the experiment in {@code dir}, or fails with one line. */
  @SuppressWarnings("unchecked")
  private static Experiment readPlan(Path dir) {
    Path plan = dir.resolve(PLAN);
    if (!java.nio.file.Files.isRegularFile(plan)) {
      throw new BadInputException("--resume " + dir + ": no " + PLAN + " there (not an experiment's output directory)");
    }
    try {
      return Experiment.fromPlan(new com.fasterxml.jackson.databind.ObjectMapper().readValue(plan.toFile(), Map.class));
    } catch (java.io.IOException e) {
      throw new BadInputException("--resume " + dir + ": cannot read " + PLAN + " (" + e.getMessage() + ")");
    }
  }
}
