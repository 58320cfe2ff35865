package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChildJvmTest {
  private static final List<String> PARENT = List.of("-Xss4m", "-XX:+UseParallelGC", "-Xmx3g", "-Xms1g",
      "-XX:StartFlightRecording=filename=x.jfr", "-XX:+UseCompressedOops", "-XX:+UseAdaptiveSizePolicyWithSystemGC",
      "-Dfoo=bar");

  @Test
  void workersGetTheHeapAndTheCollectorAndNothingElse() {
    assertEquals(List.of("-XX:+UseParallelGC", "-Xmx3g", "-Xms1g"), ChildJvm.inherited(PARENT, true));
  }

  @Test
  void aJvmWithAHeapOfItsOwnGetsTheCollectorOnly() {
    assertEquals(List.of("-XX:+UseParallelGC"), ChildJvm.inherited(PARENT, false));
    assertEquals(List.of("-XX:+UseG1GC"), ChildJvm.inherited(List.of("-XX:+UseG1GC", "-Xmx1g"), false));
  }
}
