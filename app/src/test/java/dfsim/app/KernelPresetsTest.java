package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dfsim.core.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * conf/kernels/ has a preset per seed commit and its parent. Each sets every mechanism switch
 * itself (so nothing of the file it is included after leaks into the kernel it names), and a
 * commit's preset differs from its parent's in exactly the switches that commit changed
 * (docs/model/README.md, the switches table), which also pins the eras between the seeds.
 */
final class KernelPresetsTest {
  private static final Path KERNELS = Path.of("../conf/kernels");
  /** Every mechanism switch; the tunables (hz, token spin and delay, zmax-pcpu) are no era's. */
  private static final List<String> SWITCHES = List.of("lwkt.scheduler", "page-color", "zone.pcpu-cache",
      "vm-fault-page.enter-pmap", "vm-fault-page.quick", "vm-fault.lock-mode", "vm-fault.map-token",
      "vm-fault.quick", "usched", "brk", "pipe.delay", "pipe.knote", "pipe.rblocked-count", "lwkt.switch-count",
      "pmap.switch-pm-active", "fd.holdfp", "umtx.impl", "umtx.timeout-max", "umtx.delay", "pmap.inval-interlock", "vm-page.numa",
      "vm-page.pq-l2-size", "vm-page.lastq", "vm-page.rescan", "vm-page.hash");

  /** The switches a preset sets, as written, checked whole by the loader over the default config. */
  private static Map<String, String> preset(String name) {
    Config file = ConfigFactory.parseFile(KERNELS.resolve(name + ".conf").toFile());
    ConfigLoader.resolve(file.withFallback(ConfigFactory.parseFile(Path.of("../conf/default.conf").toFile())));
    Map<String, String> out = new TreeMap<>();
    for (String k : SWITCHES) {
      out.put(k, String.valueOf(file.getValue("kernel." + k).unwrapped()));
    }
    assertEquals(new TreeSet<>(SWITCHES.stream().map(k -> "kernel." + k).toList()),
        new TreeSet<>(file.entrySet().stream().map(Map.Entry::getKey).toList()), name + " sets every switch, no more");
    return out;
  }

  private static Set<String> differing(Map<String, String> a, Map<String, String> b) {
    Set<String> out = new TreeSet<>();
    a.forEach((k, v) -> {
      if (!v.equals(b.get(k))) {
        out.add(k);
      }
    });
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "85946b6c | lwkt.scheduler page-color zone.pcpu-cache",
      "501747bf | vm-fault.lock-mode",
      "afd7f124 | umtx.impl umtx.timeout-max",
      "e3c330f0 | pmap.inval-interlock vm-page.hash vm-page.lastq vm-page.pq-l2-size vm-page.rescan"})
  void aCommitChangesItsOwnSwitchesOnly(String commit, String switches) {
    assertEquals(new TreeSet<>(List.of(switches.split(" "))), differing(preset(commit + "-parent"), preset(commit)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      // 385c96e4 (2011-11-16), 51c99c6153 (PQ_L2_SIZE 256), a86ce0cd34 (vm_fault_page_quick),
      // e28d8b158f (usched_dfly), e2b148c60d (knote's kq_token), 0846e4ceea (shared spinlocks).
      "85946b6c | 501747bf-parent | fd.holdfp pipe.knote usched vm-fault-page.enter-pmap vm-fault-page.quick vm-page.pq-l2-size",
      // c7f9edd8 (NUMA), 73101af2cf (map token), 759791187d (512), 31efdff0 (umtx_delay),
      // 3091de50a4 (VM_SUBSYS_BRK entries), 43348272c2 (KNOTE), b4758707dd (pm_active), 9e465b5ea7 and
      // 1dfdffca0e (sys_pipe).
      "501747bf | afd7f124-parent | brk pipe.delay pipe.knote pipe.rblocked-count pmap.switch-pm-active umtx.delay "
          + "vm-fault.map-token vm-page.numa vm-page.pq-l2-size",
      // 8e5d7c42c1 (2048), dd8be70aa0 (the yield leaves dfly_curprocmask alone), 4b5665564e (no
      // brk shrink).
      // 4b2467b7fb (switch_count), 359499301c (per-thread fd cache).
      "afd7f124 | e3c330f0-parent | brk fd.holdfp lwkt.switch-count usched vm-page.pq-l2-size"})
  void betweenTheSeedsOnlyTheCitedCommitsChangeAnything(String from, String to, String switches) {
    assertEquals(new TreeSet<>(List.of(switches.split(" "))), differing(preset(from), preset(to)));
  }
}
