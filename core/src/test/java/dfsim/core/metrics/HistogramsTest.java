package dfsim.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HistogramsTest {
  @Test
  void recordKeepsEveryCountOfACreepingLatency() {
    Histogram plain = Histograms.create();
    plain.setAutoResize(true);
    Histogram h = Histograms.create();
    Set<Histogram> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    int plainResizes = 0;
    // A latency that creeps from 1 ns to 10 ms, as a convoy's waits do, and back down.
    for (long i = 1; i < 100_000; i++) {
      long v = i * i / 1_000 + i % 7;
      long footprint = plain.getEstimatedFootprintInBytes();
      plain.recordValue(v);
      plainResizes += plain.getEstimatedFootprintInBytes() != footprint ? 1 : 0;
      h = Histograms.record(h, v);
      seen.add(h);
    }
    h = Histograms.record(h, 3);
    plain.recordValue(3);
    h = Histograms.record(h, -5);
    plain.recordValue(0);
    assertEquals(plain.getTotalCount(), h.getTotalCount());
    assertEquals(plain.getMaxValue(), h.getMaxValue());
    assertEquals(plain.getMinValue(), h.getMinValue());
    assertEquals(plain.getMean(), h.getMean(), 1e-9);
    assertEquals(Histograms.percentiles(plain), Histograms.percentiles(h));
    for (long v = 0; v < 10_000_000; v += 997) {
      assertEquals(plain.getCountAtValue(v), h.getCountAtValue(v), "count at " + v);
    }
    // Past the first 2,047 ns, 10 ms is 13 doublings away: HdrHistogram's own growth resizes once
    // per doubling, growing eightfold at most a third as often, and never for a value in reach.
    int copies = seen.size() - 1;
    assertEquals(13, plainResizes);
    assertTrue(copies >= 2 && copies * 3 <= plainResizes + 2, copies + " copies for " + plainResizes + " resizes");
  }

  @Test
  void aValueNearTheTopOfTheRangeIsKept() {
    Histogram h = Histograms.record(Histograms.create(), Long.MAX_VALUE / 4);
    h = Histograms.record(h, 5);
    assertEquals(2, h.getTotalCount());
    assertTrue(h.getMaxValue() >= Long.MAX_VALUE / 4 - Long.MAX_VALUE / 4000);
  }
}
