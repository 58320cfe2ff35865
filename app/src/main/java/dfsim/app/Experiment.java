package dfsim.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import dfsim.core.config.BadInputException;
import dfsim.core.config.ConfigLoader;
import dfsim.core.config.Settings;
import dfsim.core.metrics.MetricsReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An experiment (docs/reference.md, Configuration keys; docs/experiments/README.md): every variant x the cartesian product of the sweep keys x every
 * seed of {@code experiment.seeds}. Each run's configuration is, from weakest to strongest: the
 * reference, the file, the variant's overrides, the sweep point, the {@code -D} overrides, the
 * seed. Every run is checked before any runs.
 */
public final class Experiment {
  /** The name used when a file defines no variants. */
  public static final String BASE = "base";

  /** One variant x sweep point: its label, its sweep values and its runs (one per seed). */
  public record Point(String variant, Map<String, String> sweep, List<Run> runs) {}

  /** One run of a point with one seed. */
  public record Run(long seed, String name, Config config) {}

  private final String name;
  private final List<String> sweepKeys;
  private final List<Point> points;

  private Experiment(String name, List<String> sweepKeys, List<Point> points) {
    this.name = name;
    this.sweepKeys = sweepKeys;
    this.points = points;
  }

  public String name() {
    return name;
  }

  /** Returns the sweep keys, in column order (sorted by path). */
  public List<String> sweepKeys() {
    return sweepKeys;
  }

  public List<Point> points() {
    return points;
  }

  /** Plans and checks every run of the experiment in {@code file}. */
  public static Experiment plan(Path file, List<String> overrides) {
    ConfigLoader.UserLayer layer = ConfigLoader.userLayer(file, overrides);
    Config full = ConfigLoader.resolve(layer.config());
    List<Long> seeds = new Settings(full).longList("experiment.seeds");
    Map<String, Config> variants = new TreeMap<>();
    if (full.hasPath("variants")) {
      for (String v : full.getObject("variants").keySet()) {
        variants.put(v, full.getObject("variants").toConfig().getConfig(quote(v)));
      }
    }
    if (variants.isEmpty()) {
      variants.put(BASE, ConfigFactory.empty());
    }
    Map<String, List<ConfigValue>> sweep = new TreeMap<>();
    if (full.hasPath("sweep")) {
      for (Map.Entry<String, ConfigValue> e : full.getConfig("sweep").entrySet()) {
        sweep.put(e.getKey(), new ArrayList<>(full.getConfig("sweep").getList(e.getKey())));
      }
    }
    List<String> keys = new ArrayList<>(sweep.keySet());
    List<Point> points = new ArrayList<>();
    for (Map.Entry<String, Config> variant : variants.entrySet()) {
      for (Map<String, ConfigValue> combo : cartesian(keys, sweep)) {
        Config point = variant.getValue();
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> kv : combo.entrySet()) {
          point = ConfigFactory.empty().withValue(kv.getKey(), kv.getValue()).withFallback(point);
          labels.put(kv.getKey(), String.valueOf(kv.getValue().unwrapped()));
        }
        List<Run> runs = new ArrayList<>();
        for (long seed : seeds) {
          Config user = ConfigFactory.parseString("sim.seed = " + seed)
              .withFallback(layer.overrides()).withFallback(point).withFallback(layer.file());
          Config resolved;
          try {
            resolved = ConfigLoader.resolve(user);
            Simulation.fromConfig(layer.name(), resolved);
          } catch (BadInputException e) {
            throw new BadInputException("variant " + variant.getKey() + (labels.isEmpty() ? "" : " " + labels)
                + ": " + e.getMessage());
          }
          runs.add(new Run(seed, layer.name(), resolved));
        }
        points.add(new Point(variant.getKey(), labels, runs));
      }
    }
    return new Experiment(layer.name(), keys, points);
  }

  private static List<Map<String, ConfigValue>> cartesian(List<String> keys, Map<String, List<ConfigValue>> sweep) {
    List<Map<String, ConfigValue>> out = new ArrayList<>();
    out.add(new java.util.LinkedHashMap<>());
    for (String k : keys) {
      List<Map<String, ConfigValue>> next = new ArrayList<>();
      for (Map<String, ConfigValue> partial : out) {
        for (ConfigValue v : sweep.get(k)) {
          Map<String, ConfigValue> m = new java.util.LinkedHashMap<>(partial);
          m.put(k, v);
          next.add(m);
        }
      }
      out = next;
    }
    return out;
  }

  private static String quote(String key) {
    return "\"" + key.replace("\"", "\\\"") + "\"";
  }

  /** Returns the directory of one run's outputs under an experiment's output directory. */
  public static Path runDir(Path out, Point p, Run r) {
    StringBuilder sb = new StringBuilder(p.variant());
    p.sweep().forEach((k, v) -> sb.append("__").append(k).append('=').append(v));
    String safe = sb.toString().replaceAll("[^A-Za-z0-9._=-]", "_");
    return out.resolve("runs").resolve(safe).resolve("seed-" + r.seed());
  }

  /** Runs a planned run on {@code engineName}. */
  static MetricsReport execute(Run r, String engineName, int threads) {
    Simulation sim = Simulation.fromConfig(r.name(), r.config());
    return sim.runOn(engineName, threads);
  }
}
