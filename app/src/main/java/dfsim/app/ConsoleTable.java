package dfsim.app;

import dfsim.core.metrics.MetricsReport;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The per-CPU table {@code run} prints. */
final class ConsoleTable {
  private ConsoleTable() {}

  @SuppressWarnings("unchecked")
  static void print(MetricsReport report, PrintStream out) {
    Map<String, Object> tree = report.tree();
    Map<String, Object> run = (Map<String, Object>) tree.get("run");
    List<Map<String, Object>> cpus = (List<Map<String, Object>>) tree.get("cpus");
    Map<String, Object> totals = (Map<String, Object>) tree.get("totals");
    Map<String, Object> w = (Map<String, Object>) tree.get("workload");
    long sim = (Long) run.get("simulated_ns");
    out.printf(Locale.ROOT, "dfsim run %s: seed %d, %s engine, %d CPUs, %.3f ms simulated, %,d events, %.2f s wall%n",
        run.get("config"), run.get("seed"), run.get("engine"), cpus.size(), sim / 1e6,
        run.get("events"), (Long) run.get("wall_ms") / 1e3);
    String head = "%4s %4s %4s %6s %6s %6s %9s %12s %9s %9s %8s %7s%n";
    out.printf(Locale.ROOT, head, "cpu", "sock", "die", "busy%", "spin%", "idle%", "faults",
        "lockwait_us", "p99flt_us", "allocs", "remote", "ctxsw");
    for (Map<String, Object> c : cpus) {
      row(out, String.valueOf(c.get("id")), String.valueOf(c.get("socket")), String.valueOf(c.get("die")),
          c, sim);
    }
    row(out, "all", "", "", totals, sim * cpus.size());
    out.printf(Locale.ROOT, "workload %s: %,d %ss completed after warm-up, %,.0f per simulated second, "
            + "mean %.2f us, p99 %.2f us%n",
        w.get("kind"), w.get("ops_completed"), w.get("op"), (Double) w.get("ops_per_sim_second"),
        (Double) w.get("mean_op_latency_ns") / 1e3, ((Number) w.get("p99_op_latency_ns")).doubleValue() / 1e3);
  }

  @SuppressWarnings("unchecked")
  private static void row(PrintStream out, String id, String sock, String die, Map<String, Object> c, long span) {
    Map<String, Object> fault = (Map<String, Object>) c.get("fault_latency_ns");
    out.printf(Locale.ROOT, "%4s %4s %4s %6.1f %6.1f %6.1f %,9d %,12.1f %9.2f %,9d %,8d %,7d%n",
        id, sock, die, pct(c, "busy_ns", span), pct(c, "spin_ns", span), pct(c, "idle_ns", span),
        c.get("faults"), (Long) c.get("lock_wait_ns") / 1e3, ((Number) fault.get("p99")).doubleValue() / 1e3,
        c.get("page_allocs"), c.get("remote_pages"), c.get("context_switches"));
  }

  private static double pct(Map<String, Object> c, String key, long span) {
    return span == 0 ? 0 : 100.0 * (Long) c.get(key) / span;
  }
}
