package dfsim.core.protocol;

import dfsim.core.sim.SimMessage;

/**
 * CPU -> token manager: lwkt_gettoken() (or lwkt_getalltokens() in lwkt_switch) for thread
 * {@code tid}: one read(+CAS) and then up to {@code spin} read-then-CAS tries, each followed by a
 * wait of {@code waitNs} (sys/kern/lwkt_token.c, _lwkt_trytokref2 and _lwkt_trytoken_spin).
 * {@code request} numbers the CPU's token requests; replies carry it back.
 */
public record TokenTry(int token, int cpu, int tid, int spin, long waitNs, long request) implements SimMessage {}
