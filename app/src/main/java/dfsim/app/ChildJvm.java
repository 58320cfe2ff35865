package dfsim.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
}
