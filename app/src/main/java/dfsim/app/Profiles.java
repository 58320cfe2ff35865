package dfsim.app;

import java.util.Map;
import java.util.TreeMap;

/**
 * A run's kernel profile in the collapsed-stack format that flamegraph.pl, inferno and
 * speedscope read: one line per stack, its frames joined by ';', then a space and its
 * nanoseconds. {@code profile.folded} is the whole box (each stack summed over the CPUs);
 * {@code profile-cpus.folded} has each CPU's stacks under a first frame {@code cpuN}.
 */
final class Profiles {
  private Profiles() {}

  /** The box's stacks: each CPU's summed. */
  static Map<String, Long> box(Map<Integer, Map<String, Long>> profile) {
    Map<String, Long> out = new TreeMap<>();
    profile.values().forEach(cpu -> cpu.forEach((stack, ns) -> out.merge(stack, ns, Long::sum)));
    return out;
  }

  /**
   * Folded stacks as the tree a flame graph draws: {@code {name, value, children}} from the root
   * "all", each node's value its total (itself and everything it called), children by name.
   */
  static Map<String, Object> tree(Map<String, Long> folded) {
    Node root = new Node("all");
    folded.forEach((stack, ns) -> {
      Node n = root;
      n.value += ns;
      for (String frame : stack.split(";")) {
        n = n.children.computeIfAbsent(frame, Node::new);
        n.value += ns;
      }
    });
    return root.json();
  }

  /** A frame of the tree: its total and its callees by name. */
  private static final class Node {
    final String name;
    long value;
    final Map<String, Node> children = new TreeMap<>();

    Node(String name) {
      this.name = name;
    }

    Map<String, Object> json() {
      Map<String, Object> out = new java.util.LinkedHashMap<>();
      out.put("name", name);
      out.put("value", value);
      out.put("children", children.values().stream().map(Node::json).toList());
      return out;
    }
  }

  /** A function's self time: the nanoseconds of the stacks that end in it, summed over the box. */
  record Self(String function, long ns) {}

  /** The {@code n} functions of {@code folded} with the most self time, most first (ties by name). */
  static java.util.List<Self> topSelf(Map<String, Long> folded, int n) {
    Map<String, Long> self = new TreeMap<>();
    folded.forEach((stack, ns) -> self.merge(stack.substring(stack.lastIndexOf(';') + 1), ns, Long::sum));
    return self.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(n).map(e -> new Self(e.getKey(), e.getValue())).toList();
  }

  /** profile.folded's text. */
  static String boxText(Map<Integer, Map<String, Long>> profile) {
    return text(box(profile));
  }

  /** Folded stacks as text, one {@code stack ns} line each. */
  static String text(Map<String, Long> folded) {
    StringBuilder b = new StringBuilder();
    folded.forEach((stack, ns) -> b.append(stack).append(' ').append(ns).append('\n'));
    return b.toString();
  }

  /** Reads a folded file back (stack to ns). */
  static Map<String, Long> read(java.nio.file.Path file) {
    Map<String, Long> out = new TreeMap<>();
    try {
      for (String line : java.nio.file.Files.readAllLines(file)) {
        int sp = line.lastIndexOf(' ');
        if (sp > 0) {
          out.merge(line.substring(0, sp), Long.parseLong(line.substring(sp + 1)), Long::sum);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  /** profile-cpus.folded's text. */
  static String perCpuText(Map<Integer, Map<String, Long>> profile) {
    StringBuilder b = new StringBuilder();
    profile.forEach((cpu, stacks) -> stacks.forEach(
        (stack, ns) -> b.append("cpu").append(cpu).append(';').append(stack).append(' ').append(ns).append('\n')));
    return b.toString();
  }
}
