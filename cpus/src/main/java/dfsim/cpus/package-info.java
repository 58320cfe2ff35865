/**
 * The CPU LP and the CPU side of every kernel path, one class per kernel source file modelled.
 * {@link dfsim.cpus.CpuLp} hands each arriving message to the subsystem waiting for it; calls run
 * down the kernel's call graph: {@code Trap} (the thread's program, trap() and syscall entry) ->
 * {@code KernProc}, {@code KernUmtx}, {@code ProcfsMem}, {@code VmMmap}, {@code VmFault} ->
 * {@code KStepRunner}, {@code VmPageAlloc}, {@code Pmap}, {@code PmapInval} -> {@code LwktThread}
 * -> {@code LwktToken} -> {@code Globaldata} (the per-CPU state they share) and {@code SpinWait}.
 * Each old/new switch is a small sealed interface beside its user, with one implementation per
 * kernel, chosen once in CpuLp's constructor. docs/model/README.md maps classes to pages.
 */
package dfsim.cpus;
