package dfsim.jmh;

import com.typesafe.config.ConfigFactory;
import dfsim.core.actors.ActorEngine;
import dfsim.core.sim.SequentialEngine;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A window step and a message dispatch, per event, on the {@link PingPong} ring: in the actor
 * engine each event is one window (coordinator round trip, LP actor run, one message to the next
 * LP actor); in the sequential engine one dispatch (queue, LP runtime, handler, send). Each
 * invocation is a whole run of {@value #EVENTS} events, actor-system start and stop included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
public class EngineStepBench {
  static final int EVENTS = 200_000;

  @Param({"2", "16"})
  int lps;

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long actorWindowStep() {
    return new ActorEngine(1, ConfigFactory.empty()).run(PingPong.model(lps, 20, EVENTS)).events();
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long sequentialDispatch() {
    return new SequentialEngine().run(PingPong.model(lps, 20, EVENTS)).events();
  }
}
