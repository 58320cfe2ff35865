package dfsim.cpus;

import dfsim.core.config.FdSettings;
import java.util.Deque;

/**
 * holdfp() and fdrop() of a system call on a file descriptor (sys/kern/kern_descrip.c;
 * {@code kernel.fd.holdfp}): the descriptor table's fd_spin, taken exclusively until 0846e4ceea
 * or shared (an atomic to take it and one to drop it) until 359499301c, then the thread's own
 * descriptor cache; the file's reference taken and dropped (fhold(), fdrop(): the file's own
 * line). A process whose threads run on several CPUs shares its fd_spin's line, at its map's
 * home; one on this CPU alone keeps it here.
 */
final class KernDescrip {
  private final Globaldata gd;
  private final Pmap pmap;
  private final FdSettings.Holdfp holdfp;

  KernDescrip(Globaldata gd, Pmap pmap, FdSettings.Holdfp holdfp) {
    this.gd = gd;
    this.pmap = pmap;
    this.holdfp = holdfp;
  }

  /** holdfp()'s steps for a call of process {@code pid}; fdrop() is priced with them. */
  void holdfp(Deque<KStep> k, int pid) {
    long atomic = gd.cost.atomicNs();
    boolean shared = pmap.sharedByCpus(pid);
    int map = pmap.mapToken(pid);
    switch (holdfp) {
      case EXCLUSIVE -> {
        if (shared) {
          // The lookup and fhold() under the lock; fdrop() later.
          k.add(new KStep.FdSpin(map, 2 * atomic));
          k.add(new KStep.Call("fdrop", atomic));
        } else {
          k.add(new KStep.Call("holdfp", 4 * atomic));
        }
      }
      case SHARED -> {
        if (shared) {
          k.add(new KStep.FdSpin(map, atomic));
          k.add(new KStep.Call("holdfp", atomic));
          k.add(new KStep.FdSpin(map, atomic));
          k.add(new KStep.Call("fdrop", atomic));
        } else {
          k.add(new KStep.Call("holdfp", 4 * atomic));
        }
      }
      // The thread's cache entry swapped (its own line) and the borrowed reference: no fdrop.
      case THREAD_CACHE -> k.add(new KStep.Call("holdfp", atomic));
    }
  }
}
