package dfsim.workloads;

import com.typesafe.config.ConfigFactory;
import dfsim.core.config.ConfigLoader;
import dfsim.core.config.Settings;
import dfsim.core.metrics.RunMetrics;
import dfsim.core.program.Op;
import dfsim.core.program.Program;
import dfsim.core.sim.SequentialEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Builds and runs real models for tests: settings from HOCON text, scripted programs. */
final class TestModels {
  private TestModels() {}

  /** Returns checked settings: {@code hocon} over every reference.conf. */
  static Settings settings(String hocon) {
    return new Settings(ConfigLoader.resolve(ConfigFactory.parseString(hocon)));
  }

  /** Runs on the sequential engine and returns what every LP reported. */
  static RunMetrics run(ModelFactory.Built b) {
    long end = new SequentialEngine().run(b.model()).simulatedNs();
    return RunMetrics.collect(b.model().lps(), b.topology().cpus(), end);
  }

  /** Returns a counter summed over every CPU. */
  static long total(RunMetrics m, dfsim.core.metrics.CpuCounter k) {
    long n = 0;
    for (int c = 0; c < m.cpuCount(); c++) {
      n += m.counter(c, k);
    }
    return n;
  }

  /** Returns the stats of operation {@code name} merged over every CPU. */
  static dfsim.core.metrics.OpStats op(RunMetrics m, String name) {
    dfsim.core.metrics.OpStats all = new dfsim.core.metrics.OpStats();
    for (int c = 0; c < m.cpuCount(); c++) {
      dfsim.core.metrics.OpStats s = m.cpu(c).ops().get(name);
      if (s != null) {
        all.add(s);
      }
    }
    return all;
  }

  /** A program that performs the given operations once, then exits. */
  static Program script(Op... ops) {
    List<Op> list = new ArrayList<>(List.of(ops));
    list.add(new Op.Exit());
    return new Program() {
      private int i;

      @Override
      public Op next(long now, SplittableRandom random) {
        return list.get(Math.min(i++, list.size() - 1));
      }
    };
  }
}
