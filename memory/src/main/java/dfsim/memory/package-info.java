/**
 * The memory LP of one NUMA node, one class per kernel source file modelled:
 * {@link dfsim.memory.MemoryLp} dispatches to {@code VmObjects} (vm_object.c: tokens, ref
 * counts, busy pages, vm_fault_quick()'s {@code VmPageHash}), {@code VmPageQueues} (vm_page.c:
 * colour queues and their spinlocks, the queue search), {@code VmZone} (vm_zone.c: pvzone's
 * global list, node 0 only) and {@code UmtxSleepQueues} (kern_umtx.c: mutex words and sleepers,
 * with the mutex page's COW in {@code MutexPageCow}). docs/model/README.md maps classes to pages.
 */
package dfsim.memory;
