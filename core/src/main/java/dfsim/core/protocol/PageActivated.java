package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** Memory LP -> CPU: the page is on the active queue and the queue's spinlock released. */
public record PageActivated() implements SimMessage {}
