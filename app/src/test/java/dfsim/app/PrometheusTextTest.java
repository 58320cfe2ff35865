package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The strict reader the live view's test relies on refuses what the format does not allow. */
final class PrometheusTextTest {

  @Test
  void readsAValidExposition() {
    Map<String, PrometheusText.Family> f = PrometheusText.parse("""
        # HELP x_total A counter\\nwith an escaped newline
        # TYPE x_total counter
        x_total{cpu="0",socket="0"} 3.3129856E7
        x_total{cpu="1",socket="0",} 12 1700000000000
        # a comment
        # TYPE h histogram
        h_bucket{le="+Inf"} 2
        h_sum 1.5
        h_count 2
        up NaN
        """);
    assertEquals("counter", f.get("x_total").type);
    assertEquals("A counter\nwith an escaped newline", f.get("x_total").help);
    assertEquals(33129856.0, f.get("x_total").samples.get(0).value());
    assertEquals(3, f.get("h").samples.size());
    assertEquals("untyped", f.get("up").type);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "x 1",                                        // no final newline
      "x 1\n# TYPE x counter\n",                    // TYPE after samples
      "# TYPE x counter\n# TYPE x counter\nx 1\n",  // TYPE twice
      "# TYPE x countr\nx 1\n",                     // unknown type
      "x 1\ny 2\nx{a=\"b\"} 3\n",                   // family not contiguous
      "x 1\nx 2\n",                                 // same series twice
      "x{a=\"1\",a=\"2\"} 1\n",                     // label twice
      "x{__a=\"1\"} 1\n",                           // reserved label name
      "x{a=1} 1\n",                                 // unquoted label value
      "x{a=\"\\t\"} 1\n",                           // bad escape
      "x{a=\"1\" 1\n",                              // unterminated label set
      "1x 1\n",                                     // bad metric name
      "x one\n",                                    // bad value
      "x 1 soon\n",                                 // bad timestamp
      "x 1 2 3\n"                                   // extra field
  })
  void refusesWhatTheFormatDoesNotAllow(String text) {
    assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(text));
  }
}
