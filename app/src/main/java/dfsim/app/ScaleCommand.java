package dfsim.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import dfsim.core.config.BadInputException;
import dfsim.core.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dfsim scale TESTCASE}: a will-it-scale testcase (conf/workloads/will-it-scale/) at 1, 2,
 * 4, ... tasks, as processes and as threads, under each kernel of conf/kernels/: the report that
 * will-it-scale users know, iterations per second and per-task efficiency against tasks. It is an
 * experiment whose plan is built here (variant = kernel and mode, sweep = tasks) and run as every
 * experiment is ({@link ExperimentRun}), so {@code experiment --resume} finishes it.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
    description = "Runs a will-it-scale testcase at 1, 2, 4, ... tasks, as processes and threads, under each "
        + "kernel; writes results.csv (with per_task_efficiency) and report.html.")
final class ScaleCommand implements Callable<Integer> {
  /** The sweep key: the testcase's tasks, processes or threads by the variant's mode. */
  static final String TASKS = "tasks";
  static final List<String> MODES = List.of("processes", "threads");

  @Mixin
  ExperimentOptions options = new ExperimentOptions();

  @Option(names = "--kernels", split = ",", paramLabel = "KERNEL",
      description = "kernels of conf/kernels/ (default: all: each seed commit and its parent)")
  List<String> kernels;

  @Option(names = "--modes", split = ",", paramLabel = "MODE", defaultValue = "processes,threads",
      description = "processes | threads (default: ${DEFAULT-VALUE})")
  List<String> modes;

  @Option(names = "--tasks", split = ",", paramLabel = "N",
      description = "task counts (default: 1, 2, 4, ... and the box's CPUs)")
  List<Integer> tasks;

  @Option(names = "--topology", paramLabel = "FILE",
      description = "a config file whose topology keys replace the testcase's box, e.g. conf/topologies/opteron-48.conf")
  Path topology;

  @Option(names = "--seeds", split = ",", paramLabel = "SEED", defaultValue = "1",
      description = "seeds of each point (default: ${DEFAULT-VALUE})")
  List<Long> seeds;

  @Option(names = "--conf", paramLabel = "DIR",
      description = "the directory with workloads/will-it-scale/ and kernels/ (default: ./conf, else the one beside dfsim)")
  Path conf;

  @Parameters(paramLabel = "TESTCASE", description = "a testcase of conf/workloads/will-it-scale/ (e.g. page_fault1), or a program file")
  String testcase;

  @Override
  public Integer call() throws InterruptedException {
    ExperimentRun.check(options);
    Experiment ex = plan();
    return ExperimentRun.run(ex, ExperimentRun.claim(ex, options), false, options);
  }

  /** Plans every run: kernel x mode x tasks x seed, each checked before any runs. */
  Experiment plan() {
    Path dir = confDir();
    Path file = testcaseFile(dir);
    ConfigLoader.UserLayer layer = ConfigLoader.userLayer(file, options.overrides);
    ConfigLoader.UserLayer boxFile = topology == null ? null : layer(topology);
    Config box = boxFile == null ? ConfigFactory.empty() : topologyKeys(boxFile, topology);
    List<String> names = kernels != null ? kernels : chronological(dir.resolve("kernels"));
    Map<String, Config> presets = new LinkedHashMap<>();
    for (String k : names) {
      presets.put(k, kernelFile(dir, k));
    }
    for (String m : modes) {
      if (!MODES.contains(m)) {
        throw new BadInputException("--modes " + m + ": must be processes | threads");
      }
    }
    if (seeds.stream().distinct().count() != seeds.size()) {
      throw new BadInputException("--seeds " + seeds + ": each seed once");
    }
    List<Integer> counts = tasks != null ? tasks : defaultTasks(box.withFallback(layer.config()));
    for (int t : counts) {
      if (t < 1 || t > 65_536) {
        throw new BadInputException("--tasks " + t + ": must be in 1..65536");
      }
    }
    if (counts.stream().distinct().count() != counts.size()) {
      throw new BadInputException("--tasks " + counts + ": each count once");
    }
    String name = "scale-" + layer.name() + (boxFile == null ? "" : "-" + boxFile.name());
    List<Experiment.Point> points = new ArrayList<>();
    for (Map.Entry<String, Config> kernel : presets.entrySet()) {
      for (String mode : modes) {
        String variant = kernel.getKey() + "-" + mode;
        for (int t : counts) {
          // will-it-scale's new_task() forks a task's partner in processes mode, makes a pthread in threads mode.
          Config tasksOf = ConfigFactory.parseString(mode.equals("processes")
              ? "workload { processes = " + t + ", threads = 1, program.partner-as = process }"
              : "workload { processes = 1, threads = " + t + " }");
          List<Experiment.Run> runs = new ArrayList<>();
          for (long seed : seeds) {
            Config user = ConfigFactory.parseString("sim.seed = " + seed).withFallback(layer.overrides())
                .withFallback(tasksOf).withFallback(kernel.getValue()).withFallback(box).withFallback(layer.file());
            Config resolved;
            try {
              resolved = ConfigLoader.resolve(user);
              Simulation.fromConfig(layer.name(), resolved);
            } catch (BadInputException e) {
              throw new BadInputException("kernel " + kernel.getKey() + ", " + t + " " + mode + ": " + e.getMessage());
            }
            runs.add(new Experiment.Run(seed, layer.name(), resolved));
          }
          Map<String, String> label = new LinkedHashMap<>();
          label.put(TASKS, String.valueOf(t));
          points.add(new Experiment.Point(variant, label, runs));
        }
      }
    }
    return Experiment.of(name, List.of(TASKS), points);
  }

  /** 1, 2, 4, ... up to the box's CPUs, and the CPU count itself. */
  private static List<Integer> defaultTasks(Config user) {
    int cpus = dfsim.core.topology.Topology.from(new dfsim.core.config.Settings(ConfigLoader.resolve(user)), 1).cpus();
    List<Integer> out = new ArrayList<>();
    for (int t = 1; t < cpus; t *= 2) {
      out.add(t);
    }
    out.add(cpus);
    return out;
  }

  private Path confDir() {
    if (conf != null) {
      if (!Files.isDirectory(conf)) {
        throw new BadInputException("--conf " + conf + ": not a directory");
      }
      return conf;
    }
    if (Files.isDirectory(Path.of("conf", "kernels"))) {
      return Path.of("conf");
    }
    try {
      // dfsim.jar sits in app/target/ of the project.
      Path jar = Path.of(ScaleCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path beside = jar.getParent().getParent().getParent().resolve("conf");
      if (Files.isDirectory(beside.resolve("kernels"))) {
        return beside;
      }
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // No jar location: only ./conf or --conf.
    }
    throw new BadInputException("--conf: no conf/ with kernels/ here or beside dfsim; give --conf DIR");
  }

  private Path testcaseFile(Path dir) {
    if (testcase.endsWith(".conf") || testcase.contains("/")) {
      return Path.of(testcase);
    }
    Path f = dir.resolve("workloads").resolve("will-it-scale").resolve(testcase + ".conf");
    if (!Files.isRegularFile(f)) {
      throw new BadInputException("TESTCASE " + testcase + ": no " + f + "; testcases: "
          + String.join(", ", available(f.getParent())));
    }
    return f;
  }

  private static Config kernelFile(Path dir, String kernel) {
    Path f = dir.resolve("kernels").resolve(kernel + ".conf");
    if (!kernel.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || !Files.isRegularFile(f)) {
      throw new BadInputException("--kernels " + kernel + ": no " + f + "; kernels: "
          + String.join(", ", available(dir.resolve("kernels"))));
    }
    return layer(f).file();
  }

  private static ConfigLoader.UserLayer layer(Path f) {
    return ConfigLoader.userLayer(f, List.of());
  }

  /** The topology keys {@code file} (parsed as {@code layer}) sets itself, or through its includes. */
  private static Config topologyKeys(ConfigLoader.UserLayer layer, Path file) {
    Config c = layer.file().resolve();
    if (!c.hasPath("topology")) {
      throw new BadInputException("--topology " + file + ": sets no topology keys");
    }
    ConfigValue t = c.getValue("topology");
    return ConfigFactory.empty().withValue("topology", t);
  }

  /**
   * The kernels of {@code dir} oldest first, by the date their first line gives ("(2011-10-26)"),
   * a commit's parent before it.
   */
  private static List<String> chronological(Path dir) {
    Map<String, String> keys = new java.util.TreeMap<>();
    for (String k : available(dir)) {
      String date;
      try (Stream<String> lines = Files.lines(dir.resolve(k + ".conf"))) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\((\\d{4}-\\d{2}-\\d{2})\\)")
            .matcher(lines.findFirst().orElse(""));
        date = m.find() ? m.group(1) : "9999";
      } catch (IOException e) {
        throw new BadInputException(dir.resolve(k + ".conf") + ": cannot read it (" + e.getMessage() + ")");
      }
      String commit = k.endsWith("-parent") ? k.substring(0, k.length() - 7) : k;
      keys.put(date + " " + commit + (k.endsWith("-parent") ? " 0" : " 1"), k);
    }
    return new ArrayList<>(keys.values());
  }

  /** The names of the .conf files in {@code dir}, sorted. */
  private static List<String> available(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf"))
          .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
    } catch (IOException e) {
      throw new BadInputException(dir + ": cannot list it (" + e.getMessage() + ")");
    }
  }
}
