package dfsim.app;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, written from its specification
 * (prometheus.io/docs/instrumenting/exposition_formats) independently of the library that writes
 * {@code /metrics}: every line must be a HELP, TYPE, comment or sample line; names, label names,
 * escapes and values must be valid; a family's TYPE comes before its samples, at most one HELP and
 * TYPE per family, a family's lines are contiguous, no series appears twice, and the text ends
 * with a newline. Anything else throws.
 */
final class PrometheusText {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  record Sample(String name, Map<String, String> labels, double value) {}

  /** A metric family: its TYPE, HELP and samples in order. */
  static final class Family {
    String type = "untyped";
    String help;
    boolean typed;
    final List<Sample> samples = new ArrayList<>();
  }

  private PrometheusText() {}

  /** Parses {@code text}, returning its families by name. */
  static Map<String, Family> parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition does not end with a newline");
    }
    Map<String, Family> families = new LinkedHashMap<>();
    Set<String> closed = new HashSet<>();
    Set<String> series = new HashSet<>();
    String current = null;
    int lineNo = 0;
    for (String line : text.split("\n")) {
      lineNo++;
      try {
        if (line.isBlank()) {
          continue;
        }
        String family;
        if (line.startsWith("#")) {
          String[] parts = line.substring(1).strip().split("[ \t]+", 3);
          if (parts[0].equals("HELP") || parts[0].equals("TYPE")) {
            if (parts.length < 2 || !METRIC_NAME.matcher(parts[1]).matches()) {
              throw new IllegalArgumentException("bad metric name in " + parts[0]);
            }
            family = parts[1];
            Family f = enter(families, closed, current, family);
            current = family;
            if (parts[0].equals("HELP")) {
              if (f.help != null) {
                throw new IllegalArgumentException("second HELP for " + family);
              }
              f.help = unescape(parts.length > 2 ? parts[2] : "");
            } else {
              if (f.typed) {
                throw new IllegalArgumentException("second TYPE for " + family);
              }
              if (!f.samples.isEmpty()) {
                throw new IllegalArgumentException("TYPE of " + family + " after its samples");
              }
              if (parts.length < 3 || !TYPES.contains(parts[2].strip())) {
                throw new IllegalArgumentException("TYPE must be one of " + TYPES);
              }
              f.type = parts[2].strip();
              f.typed = true;
            }
          }
          continue; // any other comment
        }
        Sample s = sample(line);
        family = familyOf(s.name(), families);
        Family f = enter(families, closed, current, family);
        current = family;
        String key = s.name() + new TreeMap<>(s.labels());
        if (!series.add(key)) {
          throw new IllegalArgumentException("series " + key + " appears twice");
        }
        f.samples.add(s);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + lineNo + " '" + line + "': " + e.getMessage(), e);
      }
    }
    return families;
  }

  /** Starts or continues a family; a family left for another may not come back. */
  private static Family enter(Map<String, Family> families, Set<String> closed, String current, String family) {
    if (!family.equals(current)) {
      if (current != null) {
        closed.add(current);
      }
      if (closed.contains(family)) {
        throw new IllegalArgumentException("family " + family + " is not contiguous");
      }
    }
    return families.computeIfAbsent(family, k -> new Family());
  }

  /** The family a sample belongs to: its own name, or a histogram/summary's base name. */
  private static String familyOf(String name, Map<String, Family> families) {
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (name.endsWith(suffix)) {
        Family f = families.get(name.substring(0, name.length() - suffix.length()));
        if (f != null && (f.type.equals("histogram") || f.type.equals("summary"))) {
          return name.substring(0, name.length() - suffix.length());
        }
      }
    }
    return name;
  }

  private static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
      i++;
    }
    String name = line.substring(0, i);
    if (!METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad metric name '" + name + "'");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (true) {
        i = skipSpace(line, i);
        if (i < line.length() && line.charAt(i) == '}') {
          i++;
          break;
        }
        int eq = line.indexOf('=', i);
        if (eq < 0) {
          throw new IllegalArgumentException("label without '='");
        }
        String label = line.substring(i, eq).strip();
        if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
          throw new IllegalArgumentException("bad label name '" + label + "'");
        }
        i = skipSpace(line, eq + 1);
        if (i >= line.length() || line.charAt(i) != '"') {
          throw new IllegalArgumentException("label value of " + label + " is not quoted");
        }
        StringBuilder value = new StringBuilder();
        i++;
        while (true) {
          if (i >= line.length()) {
            throw new IllegalArgumentException("unterminated label value of " + label);
          }
          char c = line.charAt(i++);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            if (i >= line.length()) {
              throw new IllegalArgumentException("dangling escape");
            }
            char e = line.charAt(i++);
            value.append(switch (e) {
              case '\\' -> '\\';
              case '"' -> '"';
              case 'n' -> '\n';
              default -> throw new IllegalArgumentException("bad escape \\" + e + " in a label value");
            });
          } else {
            value.append(c);
          }
        }
        if (labels.put(label, value.toString()) != null) {
          throw new IllegalArgumentException("label " + label + " twice");
        }
        i = skipSpace(line, i);
        if (i < line.length() && line.charAt(i) == ',') {
          i++;
        } else if (i >= line.length() || line.charAt(i) != '}') {
          throw new IllegalArgumentException("expected ',' or '}' after label " + label);
        }
      }
    }
    String[] rest = line.substring(i).strip().split("[ \t]+");
    if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
      throw new IllegalArgumentException("expected a value and an optional timestamp");
    }
    double value = value(rest[0]);
    if (rest.length == 2) {
      try {
        Long.parseLong(rest[1]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad timestamp '" + rest[1] + "'");
      }
    }
    return new Sample(name, labels, value);
  }

  /** A value as Go's ParseFloat reads it: a decimal float, NaN, or ±Inf. */
  private static double value(String s) {
    switch (s) {
      case "NaN":
        return Double.NaN;
      case "+Inf", "Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        if (!s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
          throw new IllegalArgumentException("bad value '" + s + "'");
        }
        return Double.parseDouble(s);
    }
  }

  private static String unescape(String help) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < help.length(); i++) {
      char c = help.charAt(i);
      if (c == '\\' && i + 1 < help.length()) {
        char e = help.charAt(++i);
        if (e == 'n') {
          b.append('\n');
        } else if (e == '\\') {
          b.append(e);
        } else {
          throw new IllegalArgumentException("bad escape \\" + e + " in HELP");
        }
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static int skipSpace(String line, int i) {
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }
}
