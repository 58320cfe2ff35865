package dfsim.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Typed, range-checked access to a resolved configuration. Every accessor names the key path in
 * its error, so a wrong value anywhere becomes one clear line. Model code reads settings only
 * through this class (or the typed records built from it).
 */
public final class Settings {
  private final Config config;

  public Settings(Config config) {
    this.config = config;
  }

  /** Returns the underlying resolved configuration (for writing {@code config.conf}). */
  public Config config() {
    return config;
  }

  /** Returns whether {@code path} is set. */
  public boolean has(String path) {
    return config.hasPath(path);
  }

  /** Returns an integer in [min, max]. */
  public int intIn(String path, int min, int max) {
    long v = longIn(path, min, max);
    return (int) v;
  }

  /** Returns a long in [min, max]. */
  public long longIn(String path, long min, long max) {
    long v;
    try {
      Number n = config.getNumber(path);
      if (!(n instanceof Integer || n instanceof Long)) {
        throw bad(path, config.getValue(path).render(com.typesafe.config.ConfigRenderOptions.concise()), "an integer" + range(min, max, ""));
      }
      v = n.longValue();
    } catch (ConfigException.WrongType | ConfigException.Null e) {
      throw wrong(path, "an integer" + range(min, max, ""));
    }
    if (v < min || v > max) {
      throw bad(path, String.valueOf(v), "an integer" + range(min, max, ""));
    }
    return v;
  }

  /** Returns an on/off switch ({@code on | off}) as a boolean. */
  public boolean on(String path) {
    return choice(path, VmPageSettings.Switch.class) == VmPageSettings.Switch.ON;
  }

  /** Returns a boolean. */
  public boolean bool(String path) {
    try {
      return config.getBoolean(path);
    } catch (ConfigException.WrongType e) {
      throw wrong(path, "true or false");
    }
  }

  /**
   * Returns a duration in ns within [minNs, maxNs]. A bare number is refused: HOCON would read it
   * as milliseconds, which for a latency is never what was meant.
   */
  public long durationNs(String path, long minNs, long maxNs) {
    if (config.getValue(path).valueType() != ConfigValueType.STRING) {
      throw wrong(path, "a duration with a unit, e.g. 20ns, 4us, 50ms");
    }
    long v;
    try {
      v = config.getDuration(path).toNanos();
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw bad(path, config.getString(path), "a duration with a unit, e.g. 20ns, 4us, 50ms");
    } catch (ArithmeticException e) {
      throw bad(path, config.getString(path), "a duration" + range(minNs, maxNs, "ns"));
    }
    if (v < minNs || v > maxNs) {
      throw bad(path, config.getString(path), "a duration" + range(minNs, maxNs, "ns"));
    }
    return v;
  }

  /** Returns a size in bytes within [min, max]. */
  public long bytes(String path, long min, long max) {
    long v;
    try {
      v = config.getBytes(path);
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw wrong(path, "a size, e.g. 256M or 4G");
    }
    if (v < min || v > max) {
      throw bad(path, config.getValue(path).unwrapped().toString(), "a size" + range(min, max, " bytes"));
    }
    return v;
  }

  /** Returns one of {@code type}'s constants, spelt in config as lower-case words joined by '-'. */
  public <E extends Enum<E>> E choice(String path, Class<E> type) {
    String s;
    try {
      s = config.getString(path);
    } catch (ConfigException.WrongType e) {
      throw wrong(path, "one of " + choices(type));
    }
    for (E e : type.getEnumConstants()) {
      if (spell(e).equals(s)) {
        return e;
      }
    }
    throw bad(path, s, "one of " + choices(type));
  }

  /** Returns a list of integers, each in [min, max]. */
  public List<Integer> intList(String path, int min, int max) {
    List<Integer> out = new ArrayList<>();
    List<? extends Number> raw;
    try {
      raw = config.getNumberList(path);
    } catch (ConfigException.WrongType e) {
      throw wrong(path, "a list of integers" + range(min, max, ""));
    }
    for (Number n : raw) {
      if (n.doubleValue() != n.longValue() || n.longValue() < min || n.longValue() > max) {
        throw bad(path, String.valueOf(raw), "a list of integers" + range(min, max, ""));
      }
      out.add(n.intValue());
    }
    return out;
  }

  /** Returns a non-empty list of longs. */
  public List<Long> longList(String path) {
    List<Long> out = new ArrayList<>();
    try {
      for (Number n : config.getNumberList(path)) {
        if (n.doubleValue() != n.longValue()) {
          throw bad(path, config.getValue(path).render(com.typesafe.config.ConfigRenderOptions.concise()), "a non-empty list of integers");
        }
        out.add(n.longValue());
      }
    } catch (ConfigException.WrongType e) {
      throw wrong(path, "a non-empty list of integers");
    }
    if (out.isEmpty()) {
      throw bad(path, "[]", "a non-empty list of integers");
    }
    return out;
  }

  /** Returns a string. */
  public String string(String path) {
    try {
      return config.getString(path);
    } catch (ConfigException.WrongType e) {
      throw wrong(path, "a string");
    }
  }

  /** Returns how an enum constant is spelt in config: {@code STRICT_RR} -> {@code strict-rr}. */
  public static String spell(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static <E extends Enum<E>> String choices(Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(spell(e));
    }
    return String.join(" | ", names);
  }

  /** Returns the exception for a value out of range or not allowed. */
  public static BadInputException bad(String path, String value, String allowed) {
    return new BadInputException(path + " = " + value + ": must be " + allowed);
  }

  private BadInputException wrong(String path, String allowed) {
    Object v = config.hasPath(path) ? config.getValue(path).render(com.typesafe.config.ConfigRenderOptions.concise()) : "(missing)";
    return new BadInputException(path + " = " + v + ": wrong type, must be " + allowed);
  }

  private static String range(long min, long max, String unit) {
    if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) {
      return " >= " + min + unit;
    }
    return " in [" + min + ", " + max + "]" + unit;
  }
}
