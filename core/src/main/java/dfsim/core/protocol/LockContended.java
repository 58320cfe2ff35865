package dfsim.core.protocol;

import dfsim.core.metrics.LockClass;
import dfsim.core.sim.SimMessage;

/**
 * A lock's home -> the requesting CPU: the lock was held when the request arrived; spin. The
 * CPU learns it at the instant its first try would have failed. {@code waitNs} is how long the
 * spin lasts when the home already knows (a FIFO queue lock), else -1 (until granted).
 */
public record LockContended(LockClass lockClass, long waitNs) implements SimMessage {}
