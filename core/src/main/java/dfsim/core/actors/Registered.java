package dfsim.core.actors;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import dfsim.core.sim.CausalityViolation;
import dfsim.core.sim.SimMessage;
import java.util.HashSet;
import java.util.Set;

/**
 * The message types that may cross between LP actors: those registered by name on
 * {@link SimMessage}. Pekko drops a message it cannot serialize with only a log line, which the
 * message-counting protocol would wait on forever; checking before sending turns that into a
 * loud failure.
 */
final class Registered {
  private static final Set<Class<?>> TYPES = new HashSet<>();

  static {
    for (JsonSubTypes.Type t : SimMessage.class.getAnnotation(JsonSubTypes.class).value()) {
      TYPES.add(t.value());
    }
  }

  /** The answer per class, cached on the class: the check runs for every message between LPs. */
  private static final ClassValue<Boolean> REGISTERED = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      return TYPES.contains(type);
    }
  };

  private Registered() {}

  /** Throws unless {@code m}'s type may cross to another LP. */
  static void check(SimMessage m, int from, int to) {
    if (!REGISTERED.get(m.getClass())) {
      throw new CausalityViolation("LP " + from + " sent " + m.getClass().getName() + " to LP " + to
          + ", but only types registered on SimMessage's @JsonSubTypes may go between LPs");
    }
  }
}
