package dfsim.app;

import dfsim.core.metrics.MetricsReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * The rows of results.csv (docs/reference.md, Outputs): one per variant x sweep point, the contract columns first
 * and in order, each a mean over the point's seeds (per-op values are computed per seed over the
 * measured window, then averaged); {@code digest} is the first seed's. Then
 * {@code ops_per_sim_second_ci95} (Student-t half-width, 0 for one seed), the vm_page_hash hit
 * rate of vm_fault_quick() probes (empty without probes), umtx wakeups lost and the longest umtx
 * sleep (to the end of the run for a sleeper still asleep), the mean kernel time of umtx_sleep
 * and umtx_wakeup calls, the mean cost of a mutex page's copy-on-write, the seed count,
 * {@code complete} (false in the results of an interrupted experiment for a point that lacks
 * seeds), the one wall-clock column, {@code wall_ms}, and {@code per_task_efficiency}
 * ({@link #addEfficiency}).
 */
final class Results {
  /** Columns whose values depend on the machine, not the simulation. */
  static final List<String> WALL_CLOCK = List.of("wall_ms");

  private Results() {}

  /**
   * Builds one row from a point's reports (one per finished seed, in seed order) of the
   * {@code planned} seeds; {@code complete} says whether every planned seed is in.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> row(Experiment.Point p, List<String> sweepKeys, List<MetricsReport> reports, int planned) {
    int n = reports.size();
    double[][] v = new double[18][n];
    long wallMs = 0;
    for (int i = 0; i < n; i++) {
      Map<String, Object> tree = reports.get(i).tree();
      Map<String, Object> w = (Map<String, Object>) tree.get("workload");
      Map<String, Object> m = (Map<String, Object>) w.get("measured");
      double ops = num(w.get("ops_completed"));
      v[0][i] = ops;
      v[1][i] = num(w.get("ops_per_sim_second"));
      v[2][i] = num(w.get("mean_op_latency_ns"));
      v[3][i] = num(w.get("p99_op_latency_ns"));
      v[4][i] = per(m.get("lock_wait_ns"), ops);
      v[5][i] = per(m.get("spin_ns"), ops);
      v[6][i] = per(m.get("ipis_sent"), ops);
      v[7][i] = per(m.get("faults"), ops);
      v[8][i] = per(m.get("page_alloc_scan_steps"), num(m.get("page_allocs")));
      v[9][i] = num(m.get("context_switches"));
      v[10][i] = num(m.get("umtx_timeouts"));
      v[11][i] = num(m.get("stale_mapping_ns"));
      double hits = num(m.get("vm_page_hash_hits"));
      v[12][i] = per(hits, hits + num(m.get("vm_page_hash_misses")));
      v[13][i] = num(m.get("umtx_lost_wakeups"));
      double longest = 0;
      for (Map<String, Object> node : (List<Map<String, Object>>) tree.get("memory")) {
        longest = Math.max(longest, num(node.get("umtx_longest_sleep_ns")));
      }
      v[14][i] = longest;
      v[15][i] = opMean(w, "umtx_sleep");
      v[16][i] = opMean(w, "umtx_wakeup");
      v[17][i] = opMean(w, "cow");
      wallMs += ((Number) ((Map<String, Object>) tree.get("run")).get("wall_ms")).longValue();
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("variant", p.variant());
    for (String k : sweepKeys) {
      row.put(k, p.sweep().get(k));
    }
    String[] names = {"ops_completed", "ops_per_sim_second", "mean_op_latency_ns", "p99_op_latency_ns",
        "lock_wait_ns_per_op", "spin_ns_per_op", "ipis_per_op", "faults_per_op", "scan_steps_per_alloc",
        "context_switches", "umtx_timeouts", "stale_mapping_ns"};
    for (int c = 0; c < names.length; c++) {
      row.put(names[c], fmt(mean(v[c])));
    }
    row.put("digest", reports.get(0).digest());
    row.put("ops_per_sim_second_ci95", fmt(ci95(v[1])));
    row.put("vm_page_hash_hit_rate", fmt(mean(v[12])));
    row.put("umtx_lost_wakeups", fmt(mean(v[13])));
    row.put("umtx_longest_sleep_ns", fmt(mean(v[14])));
    row.put("umtx_sleep_kernel_ns", fmt(mean(v[15])));
    row.put("umtx_wakeup_kernel_ns", fmt(mean(v[16])));
    row.put("cow_ns", fmt(mean(v[17])));
    row.put("seeds", n);
    row.put("complete", n == planned);
    row.put("wall_ms", wallMs);
    return row;
  }

  /**
   * Adds {@code per_task_efficiency} to every row, will-it-scale's scaling figure: ops per second
   * per task (processes x threads) over the same at the fewest tasks among the rows of its variant
   * whose other sweep values are the same (1.000 = perfect scaling); empty where the tasks do not
   * vary. {@code tasks} gives each row's task count, in row order.
   */
  static void addEfficiency(List<Map<String, Object>> rows, List<String> sweepKeys, List<Long> tasks) {
    List<String> others = sweepKeys.stream()
        .filter(k -> !k.equals("workload.threads") && !k.equals("workload.processes") && !k.equals(ScaleCommand.TASKS))
        .toList();
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> row = rows.get(i);
      int base = -1;
      boolean varies = false;
      for (int j = 0; j < rows.size(); j++) {
        Map<String, Object> other = rows.get(j);
        boolean same = other.get("variant").equals(row.get("variant"));
        for (String k : others) {
          same &= String.valueOf(other.get(k)).equals(String.valueOf(row.get(k)));
        }
        if (same) {
          varies |= !tasks.get(j).equals(tasks.get(i));
          if (base < 0 || tasks.get(j) < tasks.get(base)) {
            base = j;
          }
        }
      }
      double perTask = parse(row.get("ops_per_sim_second")) / tasks.get(i);
      double basePerTask = parse(rows.get(base).get("ops_per_sim_second")) / tasks.get(base);
      row.put("per_task_efficiency", varies && basePerTask > 0 ? fmt(perTask / basePerTask) : "");
    }
  }

  private static double parse(Object cell) {
    String s = String.valueOf(cell);
    return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
  }

  /** Returns the mean of the defined (non-NaN) values, or NaN when none is. */
  static double mean(double[] xs) {
    double sum = 0;
    int k = 0;
    for (double x : xs) {
      if (!Double.isNaN(x)) {
        sum += x;
        k++;
      }
    }
    return k == 0 ? Double.NaN : sum / k;
  }

  /** Returns the half-width of the 95% confidence interval of the mean (Student t). */
  static double ci95(double[] xs) {
    int n = xs.length;
    if (n < 2) {
      return 0;
    }
    double m = mean(xs);
    double ss = 0;
    for (double x : xs) {
      ss += (x - m) * (x - m);
    }
    double sd = Math.sqrt(ss / (n - 1));
    return TDistribution.of(n - 1).inverseCumulativeProbability(0.975) * sd / Math.sqrt(n);
  }

  /** The mean latency of the run's operation {@code name} (a umtx call's kernel time), or NaN. */
  @SuppressWarnings("unchecked")
  private static double opMean(Map<String, Object> workload, String name) {
    Object ops = workload.get("ops");
    if (ops instanceof Map<?, ?> byName && byName.get(name) instanceof Map<?, ?> op) {
      return num(((Map<String, Object>) op).get("mean_latency_ns"));
    }
    return Double.NaN;
  }

  private static double per(Object numerator, double denominator) {
    return denominator == 0 ? Double.NaN : num(numerator) / denominator;
  }

  private static double num(Object o) {
    return ((Number) o).doubleValue();
  }

  /** Formats a value for the CSV: fixed three decimals, empty when undefined. */
  static String fmt(double x) {
    return Double.isNaN(x) ? "" : String.format(Locale.ROOT, "%.3f", x);
  }

  /** Returns rows as a console table of the leading columns. */
  static String table(List<Map<String, Object>> rows, List<String> sweepKeys) {
    List<String> cols = new ArrayList<>(List.of("variant"));
    cols.addAll(sweepKeys);
    cols.addAll(List.of("ops_per_sim_second", "ops_per_sim_second_ci95", "mean_op_latency_ns",
        "lock_wait_ns_per_op", "spin_ns_per_op", "faults_per_op"));
    if (rows.stream().anyMatch(r -> !String.valueOf(r.get("per_task_efficiency")).isEmpty())) {
      // The tasks vary: will-it-scale's scaling figure belongs beside the rate.
      cols.add(cols.indexOf("ops_per_sim_second_ci95") + 1, "per_task_efficiency");
    }
    int[] width = new int[cols.size()];
    for (int c = 0; c < cols.size(); c++) {
      width[c] = cols.get(c).length();
      for (Map<String, Object> r : rows) {
        width[c] = Math.max(width[c], String.valueOf(r.get(cols.get(c))).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < cols.size(); c++) {
      sb.append(String.format(Locale.ROOT, c == 0 ? "%-" + width[c] + "s" : "  %" + width[c] + "s", cols.get(c)));
    }
    sb.append('\n');
    for (Map<String, Object> r : rows) {
      for (int c = 0; c < cols.size(); c++) {
        sb.append(String.format(Locale.ROOT, c == 0 ? "%-" + width[c] + "s" : "  %" + width[c] + "s",
            r.get(cols.get(c))));
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
