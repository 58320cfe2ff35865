package dfsim.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads the layered configuration: every module's {@code reference.conf} < the user's file (or
 * the embedded {@code conf/default.conf}) < {@code -D key=value} overrides. Every key the user
 * sets must exist in a {@code reference.conf} with a compatible type; experiment sections
 * ({@code variants}, {@code sweep}) are checked key by key against the same reference.
 */
public final class ConfigLoader {
  /** The embedded default, bundled in the jar. */
  public static final String DEFAULT_RESOURCE = "conf/default.conf";

  /** Top-level sections the simulator owns; keys under them must be known. */
  private static final Set<String> OWNED =
      Set.of("sim", "topology", "latency", "kernel", "cost", "workload", "metrics", "experiment");

  /** Sections only experiment files may have; their leaves are keys of the sections above. */
  private static final Set<String> EXPERIMENT = Set.of("variants", "sweep");

  private ConfigLoader() {}

  /**
   * The user's layers before the reference is added, unresolved: the file (or the embedded
   * default) and the {@code -D} overrides.
   */
  public record UserLayer(String name, Config file, Config overrides) {
    /** Returns the overrides over the file. */
    public Config config() {
      return overrides.withFallback(file);
    }
  }

  /** Parses the file (or the embedded default when {@code file} is null) and the overrides. */
  public static UserLayer userLayer(Path file, List<String> overrides) {
    Config base;
    String name;
    if (file == null) {
      base = ConfigFactory.parseResources(DEFAULT_RESOURCE, ConfigParseOptions.defaults().setAllowMissing(false));
      name = "default";
    } else {
      if (Files.isDirectory(file)) {
        throw new BadInputException("config file " + file + ": is a directory; give a HOCON file (e.g. conf/default.conf)");
      }
      if (!Files.isRegularFile(file)) {
        throw new BadInputException("config file " + file + ": not found (a HOCON file is expected)");
      }
      try {
        // Absolute, so that an include is always looked for next to the file that includes it.
        base = ConfigFactory.parseFile(file.toAbsolutePath().toFile(),
            ConfigParseOptions.defaults().setAllowMissing(false).setIncluder(new RequiredIncludes()));
      } catch (ConfigException e) {
        throw new BadInputException("config file " + file + ": cannot parse: " + parseError(e));
      } catch (BadInputException e) {
        throw new BadInputException("config file " + file + ": " + e.getMessage());
      }
      String fn = file.getFileName().toString();
      name = fn.endsWith(".conf") ? fn.substring(0, fn.length() - 5) : fn;
    }
    Config layer = ConfigFactory.empty();
    for (String o : overrides) {
      layer = parseOverride(o).withFallback(layer);
    }
    return new UserLayer(name, base, layer);
  }

  /** Parses one {@code -D key=value} override. */
  public static Config parseOverride(String o) {
    int eq = o.indexOf('=');
    if (eq <= 0) {
      throw new BadInputException("-D " + o + ": expected key=value, e.g. -D sim.end-time=10ms");
    }
    String key = o.substring(0, eq).trim();
    String value = o.substring(eq + 1).trim();
    try {
      return ConfigFactory.parseString(key + " = " + (value.isEmpty() ? "\"\"" : value));
    } catch (ConfigException e) {
      throw new BadInputException("-D " + o + ": cannot parse: " + oneLine(e));
    }
  }

  /**
   * Resolves {@code user} over the reference and checks every user key; returns the full
   * configuration with the experiment sections removed.
   */
  public static Config resolve(Config user) {
    Config reference = ConfigFactory.defaultReference();
    Config full;
    try {
      full = user.withFallback(reference).resolve();
    } catch (ConfigException e) {
      throw new BadInputException("config: " + oneLine(e));
    }
    for (Map.Entry<String, ConfigValue> top : user.root().entrySet()) {
      String key = top.getKey();
      if (OWNED.contains(key)) {
        checkKeys(top.getValue(), key, reference, full);
      } else if (EXPERIMENT.contains(key)) {
        checkExperiment(key, full, reference);
      } else if (key.equals("pekko")) {
        checkPekko(user);
      } else {
        throw new BadInputException(firstLeaf(user, quoteKey(key), key) + ": unknown key (top-level sections are "
            + String.join(", ", OWNED.stream().sorted().toList()) + ", variants, sweep, pekko)");
      }
    }
    return full;
  }

  /** The dispatcher the actor engine sets itself; see {@link #checkPekko}. */
  public static final String ENGINE_DISPATCHER = "pekko.actor.default-dispatcher";

  /**
   * Refuses pekko settings of the engine's own dispatcher: --threads sizes it, and another
   * executor or a bounded task queue can leave an LP actor never started and the run waiting on it
   * for ever. Every other pekko setting passes to the actor system.
   */
  public static void checkPekko(Config user) {
    if (user.hasPath(ENGINE_DISPATCHER)) {
      throw new BadInputException(firstLeaf(user, ENGINE_DISPATCHER, ENGINE_DISPATCHER) + ": the actor engine sets its"
          + " dispatcher itself (--threads gives its threads); " + ENGINE_DISPATCHER + ".* cannot be set");
    }
  }

  /**
   * The first key set under {@code path} in {@code user} (in sorted order), to name in a message;
   * {@code none} if no value under it is set.
   */
  private static String firstLeaf(Config user, String path, String none) {
    return user.withOnlyPath(path).entrySet().stream().map(Map.Entry::getKey).sorted().findFirst().orElse(none);
  }

  private static void checkExperiment(String key, Config full, Config reference) {
    ConfigValue v = full.getValue(key);
    if (v.valueType() != ConfigValueType.OBJECT) {
      throw new BadInputException(key + ": must be an object");
    }
    ConfigObject obj = (ConfigObject) v;
    if (key.equals("variants")) {
      for (Map.Entry<String, ConfigValue> variant : obj.entrySet()) {
        if (variant.getValue().valueType() != ConfigValueType.OBJECT) {
          throw new BadInputException("variants." + variant.getKey() + ": must be an object of overrides");
        }
        for (Map.Entry<String, ConfigValue> e : ((ConfigObject) variant.getValue()).entrySet()) {
          checkKeys(e.getValue(), e.getKey(), reference, reference, "variants." + variant.getKey() + ".");
        }
      }
    } else {
      for (Map.Entry<String, ConfigValue> e : full.getConfig("sweep").entrySet()) {
        String path = e.getKey();
        if (!reference.hasPathOrNull(path) || !OWNED.contains(path.split("\\.")[0])) {
          throw new BadInputException("sweep." + path + ": unknown key (a sweep key must be a config key)");
        }
        if (e.getValue().valueType() != ConfigValueType.LIST || ((List<?>) e.getValue().unwrapped()).isEmpty()) {
          throw new BadInputException("sweep." + path + ": must be a non-empty list of values");
        }
      }
    }
  }

  private static void checkKeys(ConfigValue v, String path, Config reference, Config full) {
    checkKeys(v, path, reference, full, "");
  }

  private static void checkKeys(ConfigValue v, String path, Config reference, Config full, String prefix) {
    if (!reference.hasPathOrNull(path)) {
      throw new BadInputException(prefix + path + ": unknown key" + near(path, reference));
    }
    ConfigValue ref = reference.getValue(path);
    ConfigValueType refType = ref.valueType();
    ConfigValueType userType;
    try {
      userType = v.valueType();
    } catch (ConfigException.NotResolved e) {
      return; // a substitution; its resolved value is checked by the typed settings
    }
    if (userType == ConfigValueType.NULL) {
      throw new BadInputException(prefix + path + " = null: must be set to a value (see reference.conf)");
    }
    if (refType == ConfigValueType.OBJECT) {
      if (userType != ConfigValueType.OBJECT) {
        throw new BadInputException(prefix + path + ": must be an object, not a " + userType.name().toLowerCase());
      }
      for (Map.Entry<String, ConfigValue> e : ((ConfigObject) v).entrySet()) {
        checkKeys(e.getValue(), path + "." + quote(e.getKey()), reference, full, prefix);
      }
    } else if (userType == ConfigValueType.OBJECT) {
      throw new BadInputException(prefix + path + ": must be a " + refType.name().toLowerCase() + ", not an object");
    } else if (refType == ConfigValueType.LIST && userType != ConfigValueType.LIST) {
      throw new BadInputException(prefix + path + " = " + v.render(com.typesafe.config.ConfigRenderOptions.concise()) + ": wrong type, must be a list");
    }
  }

  private static String quoteKey(String key) {
    return quote(key);
  }

  private static String quote(String key) {
    return key.contains(".") ? "\"" + key + "\"" : key;
  }

  private static String near(String path, Config reference) {
    int dot = path.lastIndexOf('.');
    String parent = dot < 0 ? "" : path.substring(0, dot);
    if (!parent.isEmpty() && reference.hasPath(parent) && reference.getValue(parent).valueType() == ConfigValueType.OBJECT) {
      return " (known keys under " + parent + ": "
          + String.join(", ", reference.getObject(parent).keySet().stream().sorted().toList()) + ")";
    }
    return "";
  }

  /**
   * Every include of a user's file is required: a file that is not there is an error, where
   * HOCON would silently include nothing. Includes resolve relative to the including file only.
   */
  private static final class RequiredIncludes implements com.typesafe.config.ConfigIncluder {
    /** Never falls back: the library's includer would quietly include nothing for a missing file. */
    @Override
    public com.typesafe.config.ConfigIncluder withFallback(com.typesafe.config.ConfigIncluder f) {
      return this;
    }

    @Override
    public ConfigObject include(com.typesafe.config.ConfigIncludeContext context, String what) {
      com.typesafe.config.ConfigParseable p = context.relativeTo(what);
      String from = p == null ? null : p.origin().filename();
      if (from == null || !Files.isRegularFile(Path.of(from))) {
        throw new BadInputException("include \"" + what + "\": no such file"
            + (from == null ? " next to the including file" : " (looked for " + from + ")"));
      }
      return p.parse(context.parseOptions().setAllowMissing(false));
    }
  }

  /** One line for a parse error, in the words of the file's syntax. */
  private static String parseError(ConfigException e) {
    // The parser names every unclosed brace or bracket a parenthesis.
    return oneLine(e).replace("expecting a close parentheses ')' here, not: end of file",
        "end of file inside a '{' or '[' that is never closed (a '}' or ']' is missing)");
  }

  /** Returns the first line of a config exception's message, without the library's prefix noise. */
  public static String oneLine(ConfigException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
