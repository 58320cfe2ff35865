package dfsim.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import dfsim.core.actors.ActorEngine;
import dfsim.core.config.BadInputException;
import dfsim.core.config.ConfigLoader;
import dfsim.core.config.Settings;
import dfsim.core.metrics.MetricsReport;
import dfsim.core.metrics.RunInfo;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.sim.Engine;
import dfsim.core.sim.EngineResult;
import dfsim.core.sim.SequentialEngine;
import dfsim.workloads.ModelFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One simulation from configuration to report: load and validate (all bad input is found before
 * anything runs or is written), build the model, run it on an engine, collect the metrics.
 */
public final class Simulation {
  /** The configuration sections written to config.conf. */
  private static final List<String> SECTIONS =
      List.of("sim", "topology", "latency", "kernel", "cost", "workload", "metrics");

  private final String name;
  private final Settings settings;
  private final ModelFactory.Built built;

  private Simulation(String name, Settings settings, ModelFactory.Built built) {
    this.name = name;
    this.settings = settings;
    this.built = built;
  }

  /**
   * Loads {@code file} (null: the embedded default) with {@code overrides} and an optional seed,
   * and checks everything.
   */
  public static Simulation prepare(Path file, List<String> overrides, Long seed) {
    List<String> all = new ArrayList<>(overrides);
    if (seed != null) {
      all.add("sim.seed=" + seed);
    }
    ConfigLoader.UserLayer layer = ConfigLoader.userLayer(file, all);
    for (String section : List.of("variants", "sweep", "experiment")) {
      if (layer.config().hasPath(section)) {
        String key = layer.config().withOnlyPath(section).entrySet().stream().map(java.util.Map.Entry::getKey)
            .sorted().findFirst().orElse(section);
        throw new BadInputException((file == null ? "" : file + ": ") + key + ": an experiment's key; "
            + "a run ignores variants, sweep and seeds, so run the file with ./dfsim experiment");
      }
    }
    return fromConfig(layer.name(), ConfigLoader.resolve(layer.config()));
  }

  /** Builds from an already resolved and checked configuration. */
  public static Simulation fromConfig(String name, Config resolved) {
    Settings s = new Settings(resolved);
    return new Simulation(name, s, ModelFactory.build(s));
  }

  /**
   * Builds from a configuration another node shipped (config.conf's text): resolved again here,
   * so that {@link #hash} tells whether this node reads it as the sender did.
   */
  public static Simulation fromShipped(String name, String text) {
    Config parsed;
    try {
      parsed = ConfigFactory.parseString(text);
    } catch (com.typesafe.config.ConfigException e) {
      throw new BadInputException("shipped config: " + ConfigLoader.oneLine(e));
    }
    return fromConfig(name, ConfigLoader.resolve(parsed));
  }

  /** Returns the SHA-256 of config.conf's text: equal on two nodes iff they resolved the same. */
  public String hash() {
    return hash(renderedConfig());
  }

  /**
   * Returns 8 hex digits of the SHA-256 of the resolved configuration without its seed: the runs
   * of one configuration share it, whatever their seeds.
   */
  public String shortHash() {
    return hash(render(settings.config().withoutPath("sim.seed"))).substring(0, 8);
  }

  /** Returns the SHA-256 of a config.conf text. */
  static String hash(String rendered) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256")
          .digest(rendered.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Returns each socket's LPs, as a cluster places them. */
  public int[][] socketLps() {
    dfsim.core.topology.LpLayout layout = new dfsim.core.topology.LpLayout(built.topology());
    int[][] out = new int[built.topology().sockets()][];
    for (int s = 0; s < out.length; s++) {
      out[s] = layout.socketLps(s);
    }
    return out;
  }

  /** Returns the resolved configuration (including the pekko section). */
  public Config config() {
    return settings.config();
  }

  /** The most dispatcher threads an actor engine takes (a fork-join pool's bound is far above). */
  static final int MAX_THREADS = 1024;

  /** Checks the CLI's {@code --engine} and {@code --threads} before anything is loaded. */
  public static void checkEngine(String engineName, int threads) {
    if (!engineName.equals("sequential") && !engineName.equals("actors")) {
      throw new BadInputException("--engine " + engineName + ": must be one of actors | sequential");
    }
    if (threads < 1 || threads > MAX_THREADS) {
      throw new BadInputException("--threads " + threads + ": must be 1.." + MAX_THREADS
          + " (dispatcher threads; more than the machine's cores only adds switching)");
    }
  }

  /** Returns the engine a CLI name selects; the actor engine takes Pekko settings from the config. */
  public Engine engine(String engineName, int threads) {
    checkEngine(engineName, threads);
    return engineName.equals("actors") ? new ActorEngine(threads, settings.config()) : new SequentialEngine();
  }

  public String name() {
    return name;
  }

  public long seed() {
    return built.sim().seed();
  }

  public ModelFactory.Built built() {
    return built;
  }

  /** Returns the resolved configuration of the simulator's own sections, as config.conf. */
  public String renderedConfig() {
    return render(settings.config());
  }

  /** Returns the simulator's own sections of a resolved configuration, as config.conf. */
  static String render(Config resolved) {
    Config c = ConfigFactory.empty();
    for (String s : SECTIONS) {
      c = c.withValue(s, resolved.getValue(s));
    }
    return c.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false)
        .setJson(false).setFormatted(true));
  }

  /** Runs on the engine a CLI name selects (for tests and bench). */
  public MetricsReport runOn(String engineName, int threads) {
    return run(engine(engineName, threads));
  }

  /** Runs the model on {@code engine} and builds the report. */
  public MetricsReport run(Engine engine) {
    return run(engine, dfsim.core.sim.Progress.NONE);
  }

  /** Runs on {@code engine}, telling {@code progress} how far the run has got. */
  public MetricsReport run(Engine engine, dfsim.core.sim.Progress progress) {
    long t0 = System.nanoTime();
    EngineResult r = engine.run(built.model(), progress);
    long wallMs = (System.nanoTime() - t0) / 1_000_000;
    RunMetrics metrics = engine.metrics(built.model(), built.topology().cpus(), r.simulatedNs());
    RunInfo info = new RunInfo(name, seed(), engine.name(), engine.nodes(), engine.threads(), Main.version(), true, r.simulatedNs(),
        built.sim().warmupNs(), r.events(), r.windows(), r.rounds(), r.joinMs(), wallMs);
    return MetricsReport.build(info, metrics, built.topology(), built.plan().kind(), built.plan().opName());
  }

  /**
   * Writes config.conf, metrics.json, cpus.csv and, with a kernel profile, profile.folded and
   * profile-cpus.folded into {@code dir}, each complete or absent.
   */
  public void write(Path dir, MetricsReport report) {
    write(dir, renderedConfig(), report);
  }

  /** Writes a run's outputs from its rendered configuration and report. */
  static void write(Path dir, String renderedConfig, MetricsReport report) {
    // All three or none: an interrupt waits for the run's files as a whole.
    Interrupts.writing().lock();
    try {
      Outputs.prepare(dir);
      Outputs.write(dir.resolve("config.conf"), renderedConfig);
      Outputs.writeJson(dir.resolve("metrics.json"), report.tree());
      Outputs.writeCsv(dir.resolve("cpus.csv"), report.csvRows());
      if (!report.profile().isEmpty()) {
        Outputs.write(dir.resolve("profile.folded"), Profiles.boxText(report.profile()));
        Outputs.write(dir.resolve("profile-cpus.folded"), Profiles.perCpuText(report.profile()));
      }
      if (!report.timeline().isEmpty()) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> cpus = (List<Map<String, Object>>) report.tree().get("cpus");
        long from = report.timeline().values().stream().filter(t -> t.start().length > 0)
            .mapToLong(t -> t.start()[0]).min().orElse(0);
        long to = report.timeline().values().stream().filter(t -> t.end().length > 0)
            .mapToLong(t -> t.end()[t.end().length - 1]).max().orElse(0);
        Outputs.write(dir.resolve("trace.json"), Timelines.json("dfsim", report.timeline(), report.freePages(), cpus, from,
            to));
      }
    } finally {
      Interrupts.writing().unlock();
    }
  }
}
