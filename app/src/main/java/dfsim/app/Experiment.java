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

  /** An experiment planned elsewhere ({@code scale}): its points are checked runs already. */
  public static Experiment of(String name, List<String> sweepKeys, List<Point> points) {
    return new Experiment(name, List.copyOf(sweepKeys), List.copyOf(points));
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
    for (int i = 0; i < seeds.size(); i++) {
      if (seeds.indexOf(seeds.get(i)) != i) {
        throw new BadInputException("experiment.seeds: seed " + seeds.get(i) + " appears twice; each seed once");
      }
    }
    Map<String, Config> variants = new TreeMap<>();
    if (full.hasPath("variants")) {
      for (String v : full.getObject("variants").keySet()) {
        if (!v.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
          throw new BadInputException("variants." + quote(v) + ": a variant name is letters, digits, '.', '_' and "
              + "'-', starting with a letter or digit (it names the variant's directory under runs/)");
        }
        variants.put(v, full.getObject("variants").toConfig().getConfig(quote(v)));
      }
    }
    if (variants.isEmpty()) {
      variants.put(BASE, ConfigFactory.empty());
    }
    Map<String, List<ConfigValue>> sweep = new TreeMap<>();
    if (full.hasPath("sweep")) {
      for (Map.Entry<String, ConfigValue> e : full.getConfig("sweep").entrySet()) {
        List<ConfigValue> values = new ArrayList<>(full.getConfig("sweep").getList(e.getKey()));
        for (int i = 0; i < values.size(); i++) {
          for (int j = 0; j < i; j++) {
            if (values.get(i).unwrapped().equals(values.get(j).unwrapped())) {
              throw new BadInputException("sweep." + e.getKey() + ": value " + values.get(i).render(com.typesafe.config.ConfigRenderOptions.concise())
                  + " appears twice; each value once");
            }
          }
        }
        sweep.put(e.getKey(), values);
      }
    }
    for (Map.Entry<String, Config> variant : variants.entrySet()) {
      for (String k : sweep.keySet()) {
        if (variant.getValue().hasPath(k)) {
          throw new BadInputException("variants." + variant.getKey() + "." + k + ": also swept by sweep." + k
              + ", whose values would replace it; set it in the variant or sweep it, not both");
        }
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
    Map<Path, String> dirs = new java.util.HashMap<>();
    for (Point p : points) {
      Run r = p.runs().get(0);
      String label = p.variant() + (p.sweep().isEmpty() ? "" : " " + p.sweep());
      String before = dirs.put(runDir(Path.of(""), p, r), label);
      if (before != null) {
        throw new BadInputException("sweep: points " + before + " and " + label + " would share the run directory "
            + runDir(Path.of(""), p, r).getParent() + " (values differ only in characters other than letters, "
            + "digits, '.', '_', '=' and '-'); make the values distinct");
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

  /** Returns the point {@code r} belongs to. */
  public Point pointOf(Run r) {
    for (Point p : points) {
      for (Run x : p.runs()) {
        if (x == r) {
          return p;
        }
      }
    }
    throw new IllegalArgumentException("not a run of this experiment: " + r.name() + " seed " + r.seed());
  }

  /** Returns the directory of one run's outputs under an experiment's output directory. */
  public static Path runDir(Path out, Point p, Run r) {
    StringBuilder sb = new StringBuilder(p.variant());
    p.sweep().forEach((k, v) -> sb.append("__").append(k).append('=').append(v));
    String safe = sb.toString().replaceAll("[^A-Za-z0-9._=-]", "_");
    return out.resolve("runs").resolve(safe).resolve("seed-" + r.seed());
  }

  /**
   * Returns the plan as experiment.json holds it: the name, the sweep keys and every point's
   * runs with their seeds and resolved configurations (config.conf's text), enough to finish an
   * interrupted experiment with {@code --resume} whatever has changed in the files since.
   */
  public Map<String, Object> planTree() {
    Map<String, Object> tree = new java.util.LinkedHashMap<>();
    tree.put("experiment", name);
    tree.put("sweep_keys", sweepKeys);
    List<Object> ps = new ArrayList<>();
    for (Point p : points) {
      Map<String, Object> pt = new java.util.LinkedHashMap<>();
      pt.put("variant", p.variant());
      pt.put("sweep", p.sweep());
      List<Object> rs = new ArrayList<>();
      for (Run r : p.runs()) {
        Map<String, Object> rt = new java.util.LinkedHashMap<>();
        rt.put("seed", r.seed());
        rt.put("config", Simulation.render(r.config()));
        rs.add(rt);
      }
      pt.put("runs", rs);
      ps.add(pt);
    }
    tree.put("points", ps);
    return tree;
  }

  /** Reads back a plan written by {@link #planTree}: each run's configuration resolved again. */
  @SuppressWarnings("unchecked")
  public static Experiment fromPlan(Map<String, Object> tree) {
    try {
      String name = (String) tree.get("experiment");
      List<String> keys = (List<String>) tree.get("sweep_keys");
      List<Point> points = new ArrayList<>();
      for (Map<String, Object> pt : (List<Map<String, Object>>) tree.get("points")) {
        List<Run> runs = new ArrayList<>();
        for (Map<String, Object> rt : (List<Map<String, Object>>) pt.get("runs")) {
          Config c = ConfigLoader.resolve(ConfigFactory.parseString((String) rt.get("config")));
          runs.add(new Run(((Number) rt.get("seed")).longValue(), name, c));
        }
        Map<String, String> sweep = new java.util.LinkedHashMap<>((Map<String, String>) pt.get("sweep"));
        points.add(new Point((String) pt.get("variant"), sweep, runs));
      }
      if (name == null || keys == null || points.isEmpty()) {
        throw new BadInputException("experiment.json: not an experiment's plan (no name, sweep_keys or points)");
      }
      return new Experiment(name, keys, points);
    } catch (ClassCastException | NullPointerException | com.typesafe.config.ConfigException e) {
      throw new BadInputException("experiment.json: not an experiment's plan as dfsim writes it (" + e.getMessage() + ")");
    }
  }

  /** Runs a planned run on {@code engineName}. */
  static MetricsReport execute(Run r, String engineName, int threads) {
    Simulation sim = Simulation.fromConfig(r.name(), r.config());
    return sim.runOn(engineName, threads);
  }
}
