package dfsim.app;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dfsim.core.config.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Writes output files so that each is complete or absent: the content goes to a hidden temporary
 * file in the same directory, which is then renamed over the target.
 */
final class Outputs {
  private static final ObjectWriter JSON = new ObjectMapper().writer(
      new DefaultPrettyPrinter().withArrayIndenter(DefaultPrettyPrinter.NopIndenter.instance)
          .withObjectIndenter(new DefaultIndenter("  ", "\n")));

  private Outputs() {}

  /** Creates {@code dir} (and parents) or fails with one line. */
  static void prepare(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new BadInputException("--out " + dir + ": cannot create the output directory ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    }
    if (!Files.isWritable(dir)) {
      throw new BadInputException("--out " + dir + ": the output directory is not writable");
    }
  }

  /** Writes {@code text} to {@code file} atomically. */
  static void write(Path file, String text) {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code tree} as indented JSON (arrays on one line) atomically. */
  static void writeJson(Path file, Object tree) {
    try {
      write(file, JSON.writeValueAsBytes(tree));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes rows (all with the first row's keys, in order) as CSV atomically. */
  static void writeCsv(Path file, List<Map<String, Object>> rows) {
    write(file, csv(rows));
  }

  /** Returns rows as CSV text. */
  static String csv(List<Map<String, Object>> rows) {
    StringBuilder sb = new StringBuilder();
    if (rows.isEmpty()) {
      return "";
    }
    sb.append(String.join(",", rows.get(0).keySet())).append('\n');
    for (Map<String, Object> row : rows) {
      boolean first = true;
      for (Object v : row.values()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append(cell(v));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String cell(Object v) {
    String s = String.valueOf(v);
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  /** Writes {@code bytes} to {@code file} atomically. */
  static void write(Path file, byte[] bytes) {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Interrupts.writing().lock();
    try {
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the original failure is the one to report
      }
      throw new UncheckedIOException("cannot write " + file, e);
    } finally {
      Interrupts.writing().unlock();
    }
  }

  /** Returns {@code tree} as the indented JSON that {@link #writeJson} writes. */
  static String jsonText(Object tree) {
    try {
      return new String(JSON.writeValueAsBytes(tree), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
