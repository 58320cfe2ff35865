package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * The mutex page's home -> CPU: the word's value before the atomic; if the write copied the
 * page (COW after fork), the copy's cost in ns and the invalidation IPIs it sent.
 */
public record UmtxUserDone(int mutex, int old, long cowNs, int cowIpis) implements SimMessage {}
