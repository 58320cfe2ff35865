/**
 * The simulated NUMA box: sockets, dies, cores, SMT threads, which dies have memory (NUMA nodes),
 * and the cache-line latencies by distance that also bound every message between LPs.
 */
package dfsim.core.topology;
