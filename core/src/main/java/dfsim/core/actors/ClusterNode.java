package dfsim.core.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

/**
 * One JVM of a dfsim cluster (docs/reference.md, Clusters): a Pekko Cluster member over Artery TCP. The coordinator
 * node is the seed and hosts no LP; worker nodes join it and host whole sockets. No split brain
 * resolver downs anyone: a run ends as soon as any node of it becomes unreachable, which is the
 * only safe answer for a simulation that cannot go on without the lost LPs.
 */
public final class ClusterNode implements AutoCloseable {
  /** The actor system's name, the same on every node (it is part of every node's address). */
  public static final String SYSTEM = "dfsim";

  /** Exit codes as the CLI spells them (docs/reference.md, Outputs). */
  static final int EXIT_OK = 0;
  static final int EXIT_BAD_INPUT = 2;
  static final int EXIT_RUN_FAILED = 3;

  private final ActorSystem<Void> system;

  private ClusterNode(ActorSystem<Void> system) {
    this.system = system;
  }

  /**
   * Returns the settings of a cluster member bound to {@code host:port} (0: a free port) with
   * {@code threads} dispatcher threads; a node that cannot join within {@code joinTimeout} stops.
   */
  static Config settings(String host, int port, int threads, Duration joinTimeout, Config base) {
    return ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.transport = tcp
        pekko.remote.artery.canonical.hostname = "%s"
        pekko.remote.artery.canonical.port = %d
        pekko.cluster.downing-provider-class = ""
        pekko.cluster.jmx.enabled = off
        pekko.cluster.log-info = off
        pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes = %dms
        pekko.coordinated-shutdown.exit-jvm = off
        pekko.coordinated-shutdown.phases.cluster-leave.timeout = 2s
        pekko.coordinated-shutdown.phases.cluster-exiting.timeout = 2s
        pekko.remote.artery.advanced.give-up-system-message-after = 30s
        # Workers find the coordinator's run through the receptionist: spread its registrations
        # quickly (a handful of nodes, so frequent gossip costs nothing).
        pekko.cluster.typed.receptionist.distributed-data.gossip-interval = 200ms
        pekko.cluster.typed.receptionist.distributed-data.notify-subscribers-interval = 100ms
        pekko.cluster.gossip-interval = 200ms
        pekko.cluster.leader-actions-interval = 200ms
        """.formatted(host, port, joinTimeout.toMillis()))
        .withFallback(ActorEngine.dispatcher(threads))
        .withFallback(base)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  /** Starts the coordinator node on {@code host:port} (0: a free port); it forms the cluster alone. */
  public static ClusterNode coordinator(String host, int port, Config base) {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM,
        settings(host, port, 1, Duration.ofMinutes(1), base));
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    return new ClusterNode(system);
  }

  /** Returns {@code host:port} that workers give as {@code --seed}. */
  public String seed() {
    return hostPort(Cluster.get(system).selfMember().address());
  }

  /** Returns a node address's {@code host:port}. */
  static String hostPort(Address a) {
    return a.getHost().orElse("?") + ":" + a.getPort().map(String::valueOf).orElse("?");
  }

  ActorSystem<Void> system() {
    return system;
  }

  /**
   * Runs a worker node until the coordinator ends it, and returns the exit code: 0 after a run,
   * 2 when no seed answered within {@code joinTimeout} or the node refused the run, 3 when the
   * coordinator was lost. {@code say} gets the one line that explains a non-zero exit.
   */
  public static int worker(String seedHost, int seedPort, String host, int port, int threads,
      Duration joinTimeout, Config base, ClusterWorker.Host app, java.util.function.Consumer<String> say) {
    Address seed = new Address("pekko", SYSTEM, seedHost, seedPort);
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Behavior<ClusterProtocol.WorkerCommand> agent = ClusterWorker.create(app, seed, exit, say);
    ActorSystem<ClusterProtocol.WorkerCommand> system = ActorSystem.create(agent, SYSTEM,
        settings(host, port, threads, joinTimeout, base));
    Cluster.get(system).manager().tell(new JoinSeedNodes(List.of(seed)));
    // Without a seed, the cluster extension stops the system after joinTimeout; but the system's
    // coordinated shutdown may take long to finish (a peer that accepts TCP and never answers),
    // so the node gives up itself at joinTimeout unless it is up by then, and stops the system
    // with a bounded wait.
    java.util.concurrent.atomic.AtomicBoolean gaveUp = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable giveUp = () -> {
      if (!exit.isDone() && gaveUp.compareAndSet(false, true)) {
        say.accept("no seed answered at " + seedHost + ":" + seedPort + " within "
            + joinTimeout.toSeconds() + " s");
        exit.complete(EXIT_BAD_INPUT);
      }
    };
    system.getWhenTerminated().thenRun(giveUp);
    CompletableFuture.delayedExecutor(joinTimeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
      if (!up(system)) {
        giveUp.run();
      }
    });
    int code;
    try {
      code = exit.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      code = EXIT_RUN_FAILED;
    } catch (ExecutionException e) {
      code = EXIT_RUN_FAILED;
    }
    terminate(system);
    return code;
  }

  /**
   * Whether a seed has let this node in: welcomed (joining) or up, the state in which the cluster
   * extension also stops counting down shutdown-after-unsuccessful-join-seed-nodes.
   */
  private static boolean up(ActorSystem<?> system) {
    try {
      org.apache.pekko.cluster.MemberStatus status = Cluster.get(system).selfMember().status();
      return status == org.apache.pekko.cluster.MemberStatus.joining()
          || status == org.apache.pekko.cluster.MemberStatus.up()
          || status == org.apache.pekko.cluster.MemberStatus.weaklyUp();
    } catch (RuntimeException e) {
      // The system is already stopping.
      return false;
    }
  }

  /** Stops this node's actor system and waits (boundedly) until it has left. */
  @Override
  public void close() {
    terminate(system);
  }

  private static void terminate(ActorSystem<?> system) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // leaving a cluster whose other nodes are gone: the JVM exits regardless
    }
  }
}
