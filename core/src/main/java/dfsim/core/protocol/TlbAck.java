package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** CPU -> the originating CPU: this target has invalidated (its bit cleared in the done mask). */
public record TlbAck(int target) implements SimMessage {}
