package dfsim.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dfsim.core.config.ConfigLoader;
import dfsim.core.config.Costs;
import dfsim.core.config.Settings;
import dfsim.core.protocol.TokenFailed;
import dfsim.core.protocol.TokenGranted;
import dfsim.core.protocol.TokenRelease;
import dfsim.core.protocol.TokenTry;
import dfsim.core.sim.ScriptedLp;
import dfsim.core.topology.LpLayout;
import dfsim.core.topology.Topology;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A pool token has no queue (lwkt_token.c at 85946b6c): lwkt_reltoken() hands the token to nobody.
 * A CPU spinning on it takes it only when one of its own reads finds it free, so a try that comes
 * between the release and that read takes the token, and the spinner's read then finds it held
 * again. A home that handed the token to its spinner at the release (a queue of one) would refuse
 * the newcomer.
 */
final class PoolTokenNoQueueTest {
  private static final int TOKEN = 1;
  private static final int SPIN = 5;

  private static final Settings SETTINGS = new Settings(ConfigLoader.resolve(ConfigFactory.parseString(
      "topology { sockets = 2, cores-per-socket = 2 }")));
  private static final Topology TOPO = Topology.from(SETTINGS, 10);
  private static final LpLayout LAYOUT = new LpLayout(TOPO);
  private static final Costs COST = Costs.from(SETTINGS);
  /** A get's read of the token, homed on socket 1, from socket 0's CPU 0 (its holder). */
  private static final long X = TOPO.transferNs(0, 2);
  private static final long W = COST.cpuPauseNs();

  /** The token's home, where CPU 0 holds it from 0 and CPU 2's get fails at 10 and spins. */
  private static ScriptedLp heldAndSpunOn() {
    ScriptedLp home = new ScriptedLp(new LwktTokenManagerLp(TOKEN % 2, LAYOUT, COST));
    home.at(0, new TokenTry(TOKEN, 0, 0, SPIN, 0, 1));
    home.at(10, new TokenTry(TOKEN, 2, 2, SPIN, 0, 1));
    return home;
  }

  /** The replies to CPU {@code cpu}: grants and failures. */
  private static List<ScriptedLp.Sent> answers(ScriptedLp home, int cpu) {
    return home.sent().stream().filter(s -> s.lp() == LAYOUT.cpuLp(cpu)
        && (s.message() instanceof TokenGranted || s.message() instanceof TokenFailed)).toList();
  }

  @Test
  void aTryBetweenTheReleaseAndTheSpinnersNextReadTakesTheToken() {
    assertTrue(X > 1, "a cross-socket read costs something");
    // CPU 2's tries read at 10 + j*x + (j-1)*w.
    ScriptedLp home = heldAndSpunOn();
    long firstSpinRead = 10 + X;
    long release = firstSpinRead + 1;
    home.at(release, new TokenRelease(TOKEN, 0, 0));
    // CPU 3 tries one ns after the release, before CPU 2's next read at 10 + 2x + w.
    home.at(release + 1, new TokenTry(TOKEN, 3, 3, SPIN, 0, 1));
    long giveUp = 10 + (1 + SPIN) * X + SPIN * W;
    home.runUntil(giveUp + 1);

    List<ScriptedLp.Sent> toThree = answers(home, 3);
    assertEquals(1, toThree.size(), "CPU 3 is answered once: " + toThree);
    TokenGranted g = assertInstanceOf(TokenGranted.class, toThree.get(0).message());
    assertEquals(1, g.tries(), "CPU 3's first read finds the token free");
    assertEquals(release + 1, toThree.get(0).at());

    // CPU 2 never finds it free again while CPU 3 holds it: all its tries fail and it gives up.
    List<ScriptedLp.Sent> toTwo = answers(home, 2);
    assertEquals(1, toTwo.size(), "CPU 2 is answered once: " + toTwo);
    TokenFailed f = assertInstanceOf(TokenFailed.class, toTwo.get(0).message());
    assertEquals(1 + SPIN, f.tries());
    assertEquals(giveUp, toTwo.get(0).at());
  }

  @Test
  void aReleaseWithNoNewcomerGoesToTheSpinnerAtItsNextRead() {
    ScriptedLp home = heldAndSpunOn();
    long release = 10 + X + 1;
    home.at(release, new TokenRelease(TOKEN, 0, 0));
    home.runUntil(10_000);

    // CPU 2's second spin read, at 10 + 2x + w, takes it: its third try.
    List<ScriptedLp.Sent> toTwo = answers(home, 2);
    assertEquals(1, toTwo.size(), "CPU 2 is answered once: " + toTwo);
    TokenGranted g = assertInstanceOf(TokenGranted.class, toTwo.get(0).message());
    assertEquals(3, g.tries());
    assertEquals(10 + 2 * X + W, toTwo.get(0).at());
    assertEquals(X, toTwo.get(0).delayNs(), "the grant waits for the line to move from CPU 0");
  }
}
