package dfsim.core.actors;

import dfsim.core.actors.EngineProtocol.CoordinatorCommand;
import dfsim.core.actors.EngineProtocol.LpCommand;
import dfsim.core.metrics.RunMetrics;
import java.util.List;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The messages between the coordinator node of a cluster and its worker nodes (docs/reference.md, Clusters). The
 * window protocol itself ({@link EngineProtocol}) runs unchanged between the nodes; these set a
 * run up, collect its metrics and end it. Every message that crosses a JVM is a
 * {@link CborMessage} and stays well under Artery's 256 KiB frame: metrics travel one CPU per
 * message, results in chunks.
 */
public final class ClusterProtocol {
  private ClusterProtocol() {}

  /** Every worker node's agent registers under this key; the coordinator finds them by it. */
  public static final ServiceKey<WorkerCommand> WORKER_KEY = ServiceKey.create(WorkerCommand.class, "dfsim-worker");

  /** The largest piece of text one message carries. */
  static final int CHUNK_CHARS = 64 * 1024;

  /** What a worker node's agent receives. */
  public sealed interface WorkerCommand permits Assign, StartLps, Collect, Shutdown, RunPoint, Quiesced,
      WorkerEvent {}

  /** What the coordinator node's run (or experiment) receives. */
  public sealed interface CoordinatorEvent permits Hosted, Refused, Collected, ShutdownAck, PointDone,
      PointFailed, LocalEvent {}

  /**
   * Coordinator -> worker: host these LPs of the run whose resolved configuration is {@code config}
   * (the same bytes the coordinator hashed into {@code hash}, made by dfsim {@code version}).
   */
  public record Assign(String config, String hash, String version, int[] lps,
      ActorRef<CoordinatorEvent> replyTo) implements WorkerCommand, CborMessage {}

  /**
   * Worker -> coordinator: the LP actors of {@code lps}, in that order, their window hub, and the
   * dispatcher threads they run on.
   */
  public record Hosted(ActorRef<WorkerCommand> worker, int[] lps, List<ActorRef<LpCommand>> refs,
      ActorRef<CoordinatorCommand> hub, int threads) implements CoordinatorEvent, CborMessage {}

  /** Worker -> coordinator: the worker will not take part; {@code reason} is one line. */
  public record Refused(ActorRef<WorkerCommand> worker, String reason) implements CoordinatorEvent, CborMessage {}

  /**
   * Coordinator -> worker: give the hosted LPs their peers and each peer's window hub (the index
   * of its worker), and the hub its coordinator; the run starts.
   */
  public record StartLps(List<ActorRef<LpCommand>> peers, int[] hubs, ActorRef<CoordinatorCommand> coordinator)
      implements WorkerCommand, CborMessage {}

  /** Coordinator -> worker: the run ended at {@code endNs}; send what the hosted LPs measured. */
  public record Collect(long endNs, ActorRef<CoordinatorEvent> replyTo) implements WorkerCommand, CborMessage {}

  /** LP actor -> its worker's agent: it has handled everything it was sent (see {@link EngineProtocol.Quiesce}). */
  public record Quiesced(int lp) implements WorkerCommand, CborMessage {}

  /** Worker -> coordinator: one part of the worker's metrics; {@code last} ends them. */
  public record Collected(ActorRef<WorkerCommand> worker, RunMetrics.Part part, boolean last)
      implements CoordinatorEvent, CborMessage {}

  /** Coordinator -> worker: the run is over; leave the cluster and exit. */
  public record Shutdown(ActorRef<CoordinatorEvent> replyTo) implements WorkerCommand, CborMessage {}

  /** Worker -> coordinator: it is leaving. */
  public record ShutdownAck(ActorRef<WorkerCommand> worker) implements CoordinatorEvent, CborMessage {}

  /** Coordinator -> worker: run one experiment point whole, with {@code engine} on {@code threads}. */
  public record RunPoint(long id, String name, String config, String hash, String version, String engine,
      int threads, ActorRef<CoordinatorEvent> replyTo) implements WorkerCommand, CborMessage {}

  /** Worker -> coordinator: chunk {@code chunk} of {@code chunks} of a point's metrics.json. */
  public record PointDone(ActorRef<WorkerCommand> worker, long id, int chunk, int chunks, String text)
      implements CoordinatorEvent, CborMessage {}

  /** Worker -> coordinator: the point failed; {@code badInput} when its configuration was refused. */
  public record PointFailed(ActorRef<WorkerCommand> worker, long id, String message, boolean badInput)
      implements CoordinatorEvent, CborMessage {}

  /** A worker's own notices (cluster membership, timers); never leave its JVM. */
  public non-sealed interface WorkerEvent extends WorkerCommand, NoSerializationVerificationNeeded {}

  /** A coordinator's own notices (workers found, membership, timers, run ended); never leave its JVM. */
  public non-sealed interface LocalEvent extends CoordinatorEvent, NoSerializationVerificationNeeded {}

  /** The coordinator's node is unreachable or gone. */
  record CoordinatorLost(String address) implements WorkerEvent {}

  /** Splits {@code text} into pieces of at most {@link #CHUNK_CHARS}. */
  static List<String> chunks(String text) {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < text.length() || out.isEmpty(); i += CHUNK_CHARS) {
      out.add(text.substring(i, Math.min(text.length(), i + CHUNK_CHARS)));
    }
    return out;
  }
}
