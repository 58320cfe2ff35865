package dfsim.core.program;

/** One operation of a simulated thread's program. */
public sealed interface Op {

  /**
   * Computation for {@code ns}, preemptible on the scheduler tick; {@code frame} names it in the
   * kernel profile: {@link #USER}, or work a kernel thread does holding a token.
   */
  record Compute(long ns, String frame) implements Op {
    /** User-mode computation. */
    public static final String USER = "user";
    /** A thread's work while it holds an LWKT token (no kernel function of its own). */
    public static final String UNDER_TOKEN = "[token_held]";

    /** User-mode computation for {@code ns}. */
    public Compute(long ns) {
      this(ns, USER);
    }
  }

  /** A system call that does no work ({@code name}, e.g. sys_getppid): its entry and exit, {@code ns}. */
  record Syscall(String name, long ns) implements Op {}

  /** sched_yield() with nothing else runnable: the userland scheduler's release and acquire of this CPU. */
  record SchedYield() implements Op {}

  /** The first load or store to unmapped page {@code pindex} of VM object {@code objectId}: a page fault. */
  record Fault(int objectId, int pindex, boolean write) implements Op {}

  /** vm_page_alloc() of one page with no object (as the pmap does for page-table pages, 85946b6c). */
  record AllocPage() implements Op {}

  /** vm_page_free() of every page this thread took with {@link AllocPage}. */
  record FreePages() implements Op {}

  /** munmap of {@code count} pages of {@code objectId} from {@code start}: frees them. */
  record Unmap(int objectId, int start, int count) implements Op {}

  /**
   * mmap() of anonymous memory (a new map entry, with no VM object until its first fault), or,
   * with {@code vnode} >= 0, a private mapping of that file: the entry maps the vnode's object.
   */
  record Mmap(int objectId, int vnode) implements Op {}

  /**
   * munmap() of a mapping of {@code pages} not touched since its {@link Mmap}: an anonymous one's
   * entry has no object; a file's ({@code vnode} >= 0) drops the vnode object's reference.
   */
  record UnmapEmpty(int objectId, int vnode, int pages) implements Op {}

  /**
   * The first store to page {@code pindex} of a private mapping of a file: a copy-on-write fault
   * through the mapping's shadow {@code shadow} of vnode object {@code vnode} (the page at the same
   * index), which copies the file's page into the shadow.
   */
  record CowFault(int shadow, int pindex, int vnode) implements Op {}

  /**
   * madvise(MADV_DONTNEED) of {@code count} pages of {@code objectId}, of which those at
   * {@code resident} are in memory: vm_object_madvise() deactivates each; nothing is unmapped.
   */
  record Madvise(int objectId, int count, java.util.List<Integer> resident) implements Op {}

  /**
   * brk() to {@code pages} pages above where the process's break starts: sys_obreak() under the
   * process's map token, growing or shrinking the brk entry, whose VM object is {@code object}
   * (kernel.brk).
   */
  record Brk(int object, int pages) implements Op {}

  /**
   * write() of one byte to pipe {@code pipe}, whose other end is read on this CPU: a reader asleep
   * on it is woken (sys/kern/sys_pipe.c).
   */
  record PipeWrite(int pipe) implements Op {}

  /**
   * read() of one byte from pipe {@code pipe}, whose other end is written on this CPU: an empty
   * pipe is polled, then slept on until a write wakes the thread.
   */
  record PipeRead(int pipe) implements Op {}

  /** lwkt_gettoken() of pool token {@code token} (a thread holds at most one token at a time). */
  record GetToken(int token) implements Op {}

  /** lwkt_reltoken() of pool token {@code token}. */
  record RelToken(int token) implements Op {}

  /** tsleep for {@code ns}: the thread blocks and its CPU runs another thread or idles. */
  record Sleep(long ns) implements Op {}

  /** tsleep() with no timeout: block until a wakeup (one already pending is consumed at once). */
  record Block() implements Op {}

  /** wakeup() of thread {@code tid}: through the scheduler and an IPI when it lives on another CPU. */
  record Wakeup(int tid) implements Op {}

  /** Marks the start of one workload operation named {@code name}. */
  record Begin(String name) implements Op {}

  /** Marks the end of the workload operation begun last; its latency is recorded. */
  record End(String name) implements Op {}

  /** The thread exits. */
  record Exit() implements Op {}

  /**
   * fork() of the thread's process (vmspace_fork()); the thread goes on as the child, its
   * parent waiting in wait4() until the child's {@link ExitProcess}. The process is
   * single-threaded.
   */
  record Fork() implements Op {}

  /** execve() of {@code image}: the old address space goes, the binary's segments are mapped. */
  record Exec(BinaryImage image) implements Op {}

  /** The first access to page {@code page} of a segment of the running image: a page fault. */
  record MapFault(Segment segment, int page, boolean write) implements Op {}

  /** exit() of a forked child: its address space goes and the parent returns from wait4(). */
  record ExitProcess() implements Op {}

  /**
   * pthread_mutex_lock() on userland mutex {@code mutex} of object {@code object}: atomics on its
   * word, and umtx_sleep() while it is contested (libthread_xu's umtx).
   */
  record MutexLock(int object, int mutex) implements Op {}

  /** pthread_mutex_unlock(): an atomic on the word, and umtx_wakeup() of one if it was contested. */
  record MutexUnlock(int object, int mutex) implements Op {}

  /**
   * fork() of the thread's threaded process, whose private object {@code object} becomes
   * copy-on-write; the child exits at once (it is not simulated).
   */
  record ForkThreaded(int object) implements Op {}

  /**
   * umtx calls on mutex word {@code mutex} with nothing to wait for: umtx_sleep() with a value the
   * word does not hold (EBUSY at once), umtx_wakeup() of one, or the one then the other.
   */
  record UmtxCalls(int object, int mutex, Calls calls) implements Op {
    /** Which calls, in this order. */
    public enum Calls { SLEEP_THEN_WAKEUP, SLEEP, WAKEUP }
  }

  /**
   * A store into another process's page {@code object} through procfs/ptrace (a debugger):
   * vm_fault_page() on that process's map from this CPU, which is not in its pm_active.
   */
  record PtraceWrite(int object) implements Op {}
}
