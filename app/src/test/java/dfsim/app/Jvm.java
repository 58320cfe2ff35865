package dfsim.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Starts {@code dfsim} in a JVM of its own, on the test classpath, for tests of whole processes. */
final class Jvm {
  private Jvm() {}

  /** Starts {@code dfsim args...}; stdout stays readable from the process, stderr goes to {@code log}. */
  static Process start(Path log, String... args) throws IOException {
    return new ProcessBuilder(ChildJvm.command(List.of("-Xmx512m"), List.of(args))).redirectError(log.toFile()).start();
  }
}
