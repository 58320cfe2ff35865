/**
 * Simulated time and the logical-process (LP) contract shared by both engines.
 *
 * <p>An LP owns its state and reacts to timestamped events through {@link LogicalProcess#handle}.
 * It talks to other LPs only through {@link LpContext#send} with a delay of at least the link
 * latency, and to itself through {@link LpContext#schedule} at any delay >= 0. Events are totally
 * ordered by (time, source LP, source sequence number), so the order never depends on threads or
 * hosts; each LP draws randomness from its own {@link java.util.SplittableRandom} derived from
 * (seed, LP id).
 */
package dfsim.core.sim;
