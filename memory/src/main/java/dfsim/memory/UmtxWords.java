package dfsim.memory;

import dfsim.core.protocol.UmtxSleep;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The userland mutex words of the objects homed on this node and the umtx sleepers keyed by
 * each word's physical address (tsleep() on VM_PAGE_TO_PHYS(m) + offset, sys/kern/kern_umtx.c):
 * one sleep queue per word, in arrival order. A word's cache line is taken by one atomic at a
 * time, moving from the last CPU that wrote it.
 */
final class UmtxWords {
  /** A thread in umtx_sleep(): polling the word, or asleep. */
  static final class Sleeper {
    final UmtxSleep request;
    final long seq;
    boolean asleep;

    Sleeper(UmtxSleep request, long seq) {
      this.request = request;
      this.seq = seq;
    }
  }

  static final class Word {
    int value;
    int lastOwner = -1;
    long lineFreeAt;
    final ArrayDeque<Sleeper> sleepers = new ArrayDeque<>();
  }

  private final Map<Long, Word> words = new HashMap<>();
  private long seq;

  Word word(int object, int mutex) {
    return words.computeIfAbsent(((long) object << 32) | (mutex & 0xffffffffL), k -> new Word());
  }

  long nextSeq() {
    return seq++;
  }

  /** Returns the sleeper of {@code tid} with sequence {@code seq}, or null if it has left. */
  static Sleeper find(Word w, int tid, long seq) {
    for (Sleeper s : w.sleepers) {
      if (s.request.tid() == tid && s.seq == seq) {
        return s;
      }
    }
    return null;
  }
}
