package dfsim.app;

import dfsim.core.config.BadInputException;
import dfsim.core.sim.CausalityViolation;
import dfsim.core.sim.SimulationFailure;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code dfsim}: the command line. Exit codes (docs/reference.md, Outputs): 0 ok, 2 bad input (one clear line),
 * 3 run failed.
 */
@Command(name = "dfsim", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Simulates DragonFly BSD SMP mechanisms on a many-core NUMA box.",
    subcommands = {RunCommand.class, ExperimentCommand.class, ScaleCommand.class, ClusterCommand.class, NodeCommand.class, BenchCommand.class})
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int BAD_INPUT = 2;
  public static final int RUN_FAILED = 3;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this),
        "a command is required: run | experiment | cluster | node | bench; e.g. ./dfsim run");
  }

  public static void main(String[] args) {
    // Initialise logging before Pekko's threads race to do it (SLF4J would warn about replays).
    org.slf4j.LoggerFactory.getLogger(Main.class);
    if (java.util.Arrays.asList(args).contains("--exit-with-parent")) {
      // A worker its parent started is stopped by that parent, which says what was interrupted;
      // the signal may come while the JVM starts, before NodeCommand has read its options.
      Interrupts.onInterrupt(() -> null);
    }
    Interrupts.install();
    int status = execute(args);
    Interrupts.finished();
    System.exit(status);
  }

  /** Runs the command line and returns its exit code (tests call this). */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setParameterExceptionHandler((ex, a) -> {
      System.err.println("dfsim: " + ex.getMessage().lines().findFirst().orElse("bad arguments")
          + " (see --help)");
      return BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      if (ex instanceof BadInputException) {
        System.err.println("dfsim: " + ex.getMessage());
        return BAD_INPUT;
      }
      throw ex;
    });
    return cl.execute(args);
  }

  /**
   * Returns a failed run's cause as one line: the model's own failures by their message, anything
   * else (a bug in the simulator) with its type and where it was thrown.
   */
  static String describe(Throwable t) {
    if (t instanceof SimulationFailure || t instanceof CausalityViolation || t instanceof BadInputException
        || t instanceof dfsim.core.actors.NodeLost) {
      return t.getMessage();
    }
    StackTraceElement[] at = t.getStackTrace();
    return "internal error: " + t.getClass().getSimpleName() + ": " + t.getMessage()
        + (at.length > 0 ? " (at " + at[0] + ")" : "");
  }

  /** Returns the version from the jar manifest ("dev" when run from classes). */
  public static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"dfsim " + version()};
    }
  }
}
