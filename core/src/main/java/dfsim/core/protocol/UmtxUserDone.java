package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/** The mutex page's home -> CPU: the word's value before the atomic. */
public record UmtxUserDone(int mutex, int old) implements SimMessage {}
