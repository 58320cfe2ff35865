/**
 * Seeded synthetic workloads and the assembly of a whole model from settings: topology, LPs of
 * every module, the workload's threads, objects and programs.
 */
package dfsim.workloads;
