package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** The mutex page's home -> the waker's CPU: how many sleepers it woke, how many by IPI. */
public record UmtxWakeDone(int mutex, int woken, int ipis) implements SimMessage {}
