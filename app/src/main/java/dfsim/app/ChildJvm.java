package dfsim.app;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The command line of {@code dfsim} in a JVM of its own: this JVM's java, on this JVM's classpath. */
final class ChildJvm {
  private ChildJvm() {}

  /** Returns {@code java <jvmOptions> -cp <classpath> dfsim.app.Main <args>}. */
  static List<String> command(List<String> jvmOptions, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(args);
    return cmd;
  }

  /**
   * This JVM's heap sizes ({@code -Xmx}, {@code -Xms}; with {@code heap} only) and its choice of
   * collector ({@code -XX:+Use...GC}, which the {@code dfsim} launcher makes): a JVM started for
   * the same run should measure like this one. Nothing else passes on (not JFR recordings, say;
   * not Epsilon, which needs experimental options unlocked).
   */
  static List<String> inherited(boolean heap) {
    return inherited(ManagementFactory.getRuntimeMXBean().getInputArguments(), heap);
  }

  /** The options of {@code jvmArgs} that {@link #inherited(boolean)} passes on. */
  static List<String> inherited(List<String> jvmArgs, boolean heap) {
    List<String> out = new ArrayList<>();
    for (String a : jvmArgs) {
      if (heap && (a.startsWith("-Xmx") || a.startsWith("-Xms")) || COLLECTOR.matcher(a).matches()) {
        out.add(a);
      }
    }
    return out;
  }

  private static final Pattern COLLECTOR = Pattern.compile("-XX:\\+Use(Serial|Parallel|G1|Z|Shenandoah)GC");
}
