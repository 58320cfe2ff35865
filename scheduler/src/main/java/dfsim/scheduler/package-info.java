/**
 * Per-socket LPs of the LWKT layer: the scheduler (placement of new threads, wakeups that cross
 * CPUs as IPIs; lwkt_create(), lwkt_schedule() in sys/kern/lwkt_thread.c) and the token manager
 * (the socket's pool tokens; sys/kern/lwkt_token.c).
 */
package dfsim.scheduler;
