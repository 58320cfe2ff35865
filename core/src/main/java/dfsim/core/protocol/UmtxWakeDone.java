package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * The mutex page's home -> the waker's CPU: how many sleepers it woke, how many by IPI, and
 * whether it was lost: it woke nobody while sleepers of the same word sleep on the page's old
 * physical address (a copy-on-write moved the page under them).
 */
public record UmtxWakeDone(int mutex, int woken, int ipis, boolean lost, long cowNs, int cowIpis)
    implements SimMessage {}
