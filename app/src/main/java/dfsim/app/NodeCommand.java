package dfsim.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dfsim.core.actors.ClusterNode;
import dfsim.core.actors.ClusterWorker;
import dfsim.core.metrics.MetricsReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dfsim node}: a worker JVM of a cluster (docs/reference.md, Clusters). It joins the coordinator at
 * {@code --seed}, hosts the sockets it is given (or runs experiment points) and exits when the
 * coordinator ends the run: 0, or 2 when no seed answers or it refuses the run, 3 when the
 * coordinator is lost.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Joins a dfsim cluster as a worker node and hosts what the coordinator gives it.")
final class NodeCommand implements Callable<Integer> {
  /**
   * The version this node reports, if not its own: lets a test show that a node of another
   * version is refused without building another dfsim.
   */
  static final String VERSION_PROPERTY = "dfsim.node.version";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What an experiment point run here sends back: its metrics.json tree and each CPU's kernel profile. */
  record Shipped(Map<String, Object> metrics, Map<Integer, Map<String, Long>> profile) {}

  @Option(names = "--seed", required = true, paramLabel = "HOST:PORT",
      description = "the coordinator's address (printed by `dfsim cluster`)")
  String seed;

  @Option(names = "--bind", defaultValue = "127.0.0.1:0", paramLabel = "HOST:PORT",
      description = "address to listen on; port 0 picks a free one (default: ${DEFAULT-VALUE})")
  String bind;

  @Option(names = "--threads", defaultValue = "1",
      description = "dispatcher threads for the hosted LPs (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--join-timeout", defaultValue = "20", paramLabel = "SECONDS",
      description = "gives up when no seed answers within this many seconds (default: ${DEFAULT-VALUE})")
  int joinTimeout;

  @Option(names = "-D", paramLabel = "pekko.key=value",
      description = "overrides one Pekko setting (e.g. Artery TLS); the run's own settings come from the coordinator")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--exit-with-parent", hidden = true,
      description = "exits when stdin closes (the JVM that started this one has gone)")
  boolean exitWithParent;

  @Override
  public Integer call() {
    HostPort s = HostPort.parse("--seed", seed);
    HostPort b = HostPort.parse("--bind", bind);
    Simulation.checkEngine("actors", threads);
    if (joinTimeout < 1) {
      throw new dfsim.core.config.BadInputException("--join-timeout " + joinTimeout + ": must be >= 1 (seconds)");
    }
    com.typesafe.config.Config base = ConfigFactory.empty();
    for (String o : overrides) {
      if (!o.startsWith("pekko.")) {
        throw new dfsim.core.config.BadInputException("-D " + o
            + ": a node takes only pekko.* settings; the run's settings come from the coordinator");
      }
      base = dfsim.core.config.ConfigLoader.parseOverride(o).withFallback(base);
    }
    dfsim.core.config.ConfigLoader.checkPekko(base);
    if (exitWithParent) {
      watchParent();
      // A worker this JVM's parent started is stopped by it: the parent says what was interrupted.
      Interrupts.onInterrupt(() -> null);
    } else {
      Interrupts.onInterrupt(() -> "node interrupted; it left the cluster, whose run fails without it");
    }
    return ClusterNode.worker(s.host(), s.port(), b.host(), b.port(), threads, Duration.ofSeconds(joinTimeout),
        base, new Host(), line -> {
          System.err.println("dfsim node: " + line);
          System.err.flush();
        });
  }

  /** Exits (3) when stdin reaches its end: the parent JVM, which holds the other end, is gone. */
  private static void watchParent() {
    Thread t = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // nothing is ever sent; only the end matters
        }
      } catch (IOException ignored) {
        // a broken pipe is an end too
      }
      Runtime.getRuntime().halt(Main.RUN_FAILED);
    }, "dfsim-parent-watch");
    t.setDaemon(true);
    t.start();
  }

  /** Reads shipped configurations as {@code run} would, and runs points as {@code experiment} would. */
  static final class Host implements ClusterWorker.Host {
    @Override
    public String version() {
      return System.getProperty(VERSION_PROPERTY, Main.version());
    }

    @Override
    public ClusterWorker.Shipped read(String name, String config) {
      Simulation sim = Simulation.fromShipped(name, config);
      return new ClusterWorker.Shipped() {
        @Override
        public String hash() {
          return sim.hash();
        }

        @Override
        public dfsim.core.sim.SimModel model() {
          return sim.built().model();
        }

        @Override
        public int cpus() {
          return sim.built().topology().cpus();
        }

        @Override
        public String run(String engine, int threads) {
          try {
            MetricsReport report = sim.runOn(engine, threads);
            return JSON.writeValueAsString(new Shipped(report.tree(), report.profile()));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
    }
  }
}
