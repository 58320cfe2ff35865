package dfsim.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@code dfsim} in a JVM of its own, on the test classpath, for tests of whole processes. */
final class Jvm {
  private Jvm() {}

  /** Starts {@code dfsim args...}; stdout stays readable from the process, stderr goes to {@code log}. */
  static Process start(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), "dfsim.app.Main"));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(log.toFile()).start();
  }
}
