package dfsim.core.protocol;

import dfsim.core.program.ThreadSpec;
import dfsim.core.sim.SimMessage;

/** Scheduler LP -> CPU: lwkt_schedule a new thread on this CPU. */
public record ThreadStart(ThreadSpec spec) implements SimMessage {}
