package dfsim.memory;

import dfsim.core.protocol.UmtxSleep;
import dfsim.core.topology.CacheLine;
import dfsim.core.topology.Topology;
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
    /** When it went to sleep. */
    long asleepAt;
    /** The generation of the physical page it sleeps on (its key). */
    int gen;
    /** The COW its call made, reported with its first reply, or null. */
    Cow cow;

    Sleeper(UmtxSleep request, long seq) {
      this.request = request;
      this.seq = seq;
    }
  }

  /** What a COW of a mutex page cost its writer: ns and invalidation IPIs sent. */
  record Cow(long ns, int ipis) {
    static final Cow NONE = new Cow(0, 0);
  }

  static final class Word {
    int value;
    /** The word's value on each older generation of its page, as it was when the page was copied. */
    final Map<Integer, Integer> frozen = new HashMap<>();
    /** The word's cache line, which every userland atomic on it takes. */
    final CacheLine line;
    final ArrayDeque<Sleeper> sleepers = new ArrayDeque<>();

    Word(Topology topo) {
      line = new CacheLine(topo);
    }
  }

  /** The physical page behind an object's words: copied (a new generation) by a COW after fork. */
  static final class Page {
    int gen;
    boolean cowShared;
  }

  private final Topology topo;
  private final java.util.TreeMap<Long, Word> words = new java.util.TreeMap<>();
  private final Map<Integer, Page> pages = new HashMap<>();
  private long seq;
  /** The longest any sleeper slept (ongoing sleeps are added at the end). */
  long longestSleepNs;

  UmtxWords(Topology topo) {
    this.topo = topo;
  }

  Page page(int object) {
    return pages.computeIfAbsent(object, k -> new Page());
  }

  /** Every word, for the end-of-run report and fork's wakeups. */
  Iterable<Map.Entry<Long, Word>> all() {
    return words.entrySet();
  }

  /**
   * The page of {@code object} is about to be copied: its words' values on the current physical
   * page stay as they are, whatever is written to the copy.
   */
  void freeze(int object) {
    int gen = page(object).gen;
    for (Word w : words.subMap((long) object << 32, ((long) object + 1) << 32).values()) {
      w.frozen.put(gen, w.value);
    }
  }

  /**
   * The value sleeper {@code s} reads: through the page it holds (it resolved the page by fault,
   * before afd7f124), the value on its generation of the page; else (a read through the current
   * mapping) the word's value now.
   */
  int valueSeenBy(Word w, Sleeper s, int object) {
    if (s.request.forceCow() && s.gen != page(object).gen) {
      return w.frozen.getOrDefault(s.gen, w.value);
    }
    return w.value;
  }

  Word word(int object, int mutex) {
    return words.computeIfAbsent(((long) object << 32) | (mutex & 0xffffffffL), k -> new Word(topo));
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
