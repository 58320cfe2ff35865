package dfsim.core.program;

/** Builds each thread's program on the CPU that starts it, from the thread's spec alone. */
@FunctionalInterface
public interface ProgramFactory {
  Program create(ThreadSpec spec);
}
