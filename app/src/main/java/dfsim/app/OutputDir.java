package dfsim.app;

import dfsim.core.config.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * An output directory, claimed before anything runs (docs/reference.md, Outputs): created, shown
 * writable by a probe file, and refused when it already holds something else than this command's
 * own earlier output. A directory holding the same configuration's outputs is written again
 * (same configuration and seed: same results); any other non-empty directory needs
 * {@code --force}.
 *
 * @param path the directory
 * @param created whether this claim created it, so that a run failing before it writes anything
 *     leaves no empty directory behind
 */
record OutputDir(Path path, boolean created) {

  /**
   * Claims {@code dir} for outputs whose identity is {@code marker}'s content {@code expected}
   * (config.conf for a run, experiment.json's plan for an experiment).
   */
  static OutputDir claim(Path dir, String marker, String expected, boolean force) {
    if (dir.toString().isBlank()) {
      throw new BadInputException("--out \"" + dir + "\": an empty path; give a directory (or leave --out out)");
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new BadInputException("--out " + dir + ": exists and is not a directory");
    }
    if (!force && !isEmpty(dir)) {
      Path m = dir.resolve(marker);
      if (!Files.isRegularFile(m)) {
        throw new BadInputException("--out " + dir + ": not empty and holds no dfsim " + marker
            + "; use --force to write into it anyway, or another --out");
      }
      if (!read(m).equals(expected)) {
        throw new BadInputException("--out " + dir + ": holds the outputs of another configuration (its "
            + marker + " differs); use --force to overwrite them, or another --out");
      }
    }
    boolean created = !Files.exists(dir);
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".dfsim-probe", ".tmp");
      Files.delete(probe);
    } catch (java.nio.file.AccessDeniedException e) {
      throw new BadInputException("--out " + dir + ": cannot create or write it (permission denied on "
          + e.getFile() + ")");
    } catch (java.nio.file.FileSystemException e) {
      throw new BadInputException("--out " + dir + ": cannot create or write it ("
          + (e.getReason() != null ? e.getReason() : "file system refused") + " at " + e.getFile() + ")");
    } catch (IOException | SecurityException e) {
      throw new BadInputException("--out " + dir + ": cannot create or write it (" + e.getMessage() + ")");
    }
    return new OutputDir(dir, created);
  }

  /** Removes the directory if this claim created it and nothing has been written into it. */
  void releaseIfUnused() {
    if (created && isEmpty(path)) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException ignored) {
        // an empty directory left behind is harmless
      }
    }
  }

  private static boolean isEmpty(Path dir) {
    if (!Files.isDirectory(dir)) {
      return true;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new BadInputException("--out " + dir + ": cannot list it (" + e.getMessage() + ")");
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BadInputException("--out " + file.getParent() + ": cannot read its " + file.getFileName()
          + " (" + e.getMessage() + ")");
    }
  }
}
