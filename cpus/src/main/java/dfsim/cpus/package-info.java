/**
 * The CPU LP: a per-CPU LWKT run queue ({@code gd_tdrunq}), thread switching, the scheduler
 * clock, and the CPU side of the fault path (trap, lock waits, page allocation, zeroing,
 * pmap_enter). Models sys/kern/lwkt_thread.c and the caller side of sys/vm/vm_fault.c.
 */
package dfsim.cpus;
