package dfsim.cpus;

import dfsim.core.program.Op;
import dfsim.core.program.Program;
import dfsim.core.program.ThreadSpec;

/** A simulated thread ({@code struct thread}) while it lives on a CPU. */
final class SimThread {
  final ThreadSpec spec;
  final Program program;
  /** The operation being executed, or null between operations. */
  Op op;
  /** Compute time still owed by a preempted {@link Op.Compute}. */
  long computeLeftNs;
  /** When the running compute slice started. */
  long computeStart;
  /** When the workload operation in progress began. */
  long opStart;
  /** When the fault in progress was taken. */
  long faultStart;
  /** Index into the allocation's node order of the node being asked for a page. */
  int allocTry;
  /** Object-less allocations made so far (their pindex, for the colour). */
  int allocCount;
  /** Pages taken by object-less allocations and not yet freed. */
  final java.util.List<Integer> held = new java.util.ArrayList<>();
  /** Wakeups that came before the thread blocked, each consumed by one block. */
  int pendingWakeups;
  /** The pool token this thread holds (one at a time), or -1. */
  int heldToken = -1;
  /** The token it must own before it runs again (blocked in gettoken, or switched out), or -1. */
  int wantToken = -1;

  /** The kernel steps of the fork, exec, exit or fault in progress, or null. */
  java.util.Deque<KStep> ksteps;
  /** The one queue {@link #ksteps} points at while an operation runs: a kernel op per event
   * would otherwise allocate a queue each time. */
  private java.util.ArrayDeque<KStep> kstepQueue;

  /** Starts a kernel operation: {@link #ksteps} becomes this thread's emptied step queue. */
  java.util.Deque<KStep> newKSteps() {
    if (kstepQueue == null) {
      kstepQueue = new java.util.ArrayDeque<>(8);
    }
    kstepQueue.clear();
    ksteps = kstepQueue;
    return ksteps;
  }
  /** The address space of the process the thread runs (null before its first exec). */
  VmSpace space;
  /** The parent's address space while the thread runs as its forked child. */
  VmSpace parentSpace;

  /** Where a pthread mutex operation is (NONE between them). */
  MutexStep mutex = MutexStep.NONE;
  /** The mutex operation's object and word. */
  int mutexObject;
  int mutexWord;
  /** A umtx_sleep() probe is followed by a umtx_wakeup(). */
  boolean probeThenWake;
  /** The umtx call in progress: when it entered the kernel, and time asleep in it so far. */
  long umtxStart;
  long umtxAsleepNs;
  long asleepSince;
  /** Woken from a sleep inside a system call: whose call's kernel steps go on when next run. */
  Sleep wokenFrom = Sleep.NONE;
  /** The kernel-profile frame the thread was in when it left the CPU (ROOT: at user level). */
  int frame;
  /** The frame its running kernel steps were started from (-1: none running). */
  int kstepBase = -1;

  /** The system calls a thread sleeps in. */
  enum Sleep { NONE, UMTX, PIPE }

  enum MutexStep { NONE, LOCK_TRY, LOCK_XCHG, UNLOCK_DEC, SLEEP_CALL, WAKE_CALL, PROBE_SLEEP, PROBE_WAKE }

  /** When a sleeping thread's timeout fires. */
  long wakeAt;

  SimThread(ThreadSpec spec, Program program) {
    this.spec = spec;
    this.program = program;
  }

  int priority() {
    return spec.priority();
  }
}
