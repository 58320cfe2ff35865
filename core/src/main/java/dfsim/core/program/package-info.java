/**
 * Simulated threads' programs: a workload gives each thread a {@link dfsim.core.program.Program}
 * that yields {@link dfsim.core.program.Op operations} one at a time; the CPU LP running the
 * thread executes them against the kernel model.
 */
package dfsim.core.program;
