package dfsim.core.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result digest: SHA-256 of the canonical JSON (keys sorted at every level, no whitespace)
 * of the simulated results. Doubles print through {@link Double#toString}, which is the same on
 * every JVM, so equal results give equal digests wherever they ran.
 */
public final class Digest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Digest() {}

  /** Returns the hex SHA-256 of {@code tree}'s canonical JSON. */
  public static String of(Object tree) {
    try {
      byte[] json = MAPPER.writeValueAsBytes(canonical(tree));
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot digest results", e);
    }
  }

  private static Object canonical(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> sorted = new TreeMap<>();
      m.forEach((k, x) -> sorted.put(String.valueOf(k), canonical(x)));
      return sorted;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(x -> out.add(canonical(x)));
      return out;
    }
    return v;
  }
}
