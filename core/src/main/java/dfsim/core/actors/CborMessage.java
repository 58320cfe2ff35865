package dfsim.core.actors;

/**
 * Marker of every actor message of the engine, bound to Pekko's jackson-cbor serializer in
 * core's reference.conf, so that any of them can cross a JVM boundary unchanged.
 */
public interface CborMessage {}
