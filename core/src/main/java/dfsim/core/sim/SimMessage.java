package dfsim.core.sim;

/**
 * Marker for every message between LPs and every self-event. Implementations are immutable
 * records; the actor engine binds this interface to a real serializer so that every message can
 * cross a JVM boundary unchanged.
 */
public interface SimMessage {}
