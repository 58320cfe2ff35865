/**
 * Per-node physical memory: the node's free pages and their queue lock, and the VM objects homed
 * on the node with their locks and resident pages. Models sys/vm/vm_page.c (free queues) and
 * sys/vm/vm_object.c (object locks) as they stood before the seed commits.
 */
package dfsim.memory;
