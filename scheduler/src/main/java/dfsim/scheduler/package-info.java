/**
 * The LWKT scheduler LPs (one per socket): placement of new threads and the wakeups that cross
 * CPUs. Token managers and umtx join here. Models lwkt_schedule() and lwkt_create() placement
 * in sys/kern/lwkt_thread.c.
 */
package dfsim.scheduler;
