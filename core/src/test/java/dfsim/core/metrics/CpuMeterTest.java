package dfsim.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** State intervals are split exactly at sample boundaries and at the warm-up boundary. */
final class CpuMeterTest {

  @Test
  void intervalsSpreadOverSamplesAndSplitAtWarmup() {
    CpuMeter m = new CpuMeter(0, 100, 30, 45);
    m.enter(CpuState.BUSY, 10);
    m.add(CpuCounter.FAULTS, 1, 20);
    m.enter(CpuState.SPIN, 70);
    m.add(CpuCounter.FAULTS, 2, 80);
    m.enter(CpuState.IDLE, 95);
    m.finish(100);
    assertEquals(60, m.stateNs(CpuState.BUSY));
    assertEquals(25, m.stateNs(CpuState.SPIN));
    assertEquals(15, m.stateNs(CpuState.IDLE));
    // samples [0,30) [30,60) [60,90) [90,100)
    assertArrayEquals(new long[] {20, 30, 10, 0}, m.stateSeries(CpuState.BUSY));
    assertArrayEquals(new long[] {0, 0, 20, 5}, m.stateSeries(CpuState.SPIN));
    assertArrayEquals(new long[] {10, 0, 0, 5}, m.stateSeries(CpuState.IDLE));
    assertArrayEquals(new long[] {1, 0, 2, 0}, m.counterSeries(0));
    // measured window [45, 100): busy 45..70, spin 70..95, idle 95..100; one fault event of 2
    assertEquals(25, m.measuredStateNs(CpuState.BUSY));
    assertEquals(25, m.measuredStateNs(CpuState.SPIN));
    assertEquals(5, m.measuredStateNs(CpuState.IDLE));
    assertEquals(2, m.measuredCounter(CpuCounter.FAULTS));
  }
}
