package dfsim.cpus;

import dfsim.core.program.BinaryImage;
import dfsim.core.program.Segment;
import java.util.BitSet;

/**
 * A process's address space as the fork-exec paths need it (struct vmspace, sys/vm/vm_map.h):
 * one map entry per segment of its image, each with its first object, whether that object is
 * the binary's vnode object, whether the entry still needs a copy (COW not yet broken), whether
 * this process created the object (and terminates it at exit), and which of its pages are mapped.
 * See docs/model/kern-proc.md.
 */
final class VmSpace {
  static final class Entry {
    /** The first object, or -1 before an anonymous entry's first fault allocates one. */
    int object = -1;
    /** The first object is the vnode object (a file segment whose COW was never broken). */
    boolean onVnode;
    /** MAP_ENTRY_NEEDS_COPY. */
    boolean needsCopy;
    /** A shadow of the vnode object (the written data segment): its backing object is the vnode. */
    boolean shadow;
    /** Created by this process: terminated at its exit or exec. */
    boolean own;
    final BitSet mapped = new BitSet();
    /** Pages mapped writable (pmap_protect() write-protects these at fork). */
    final BitSet writable = new BitSet();
  }

  final BinaryImage image;
  final Entry[] entries = new Entry[Segment.values().length];

  /** The address space execve() builds: file segments COW on the vnode, anonymous ones empty. */
  VmSpace(BinaryImage image) {
    this.image = image;
    for (Segment s : Segment.values()) {
      Entry e = new Entry();
      if (s.fileBacked()) {
        e.object = image.vnodeObject();
        e.onVnode = true;
        e.needsCopy = true;
      }
      entries[s.ordinal()] = e;
    }
  }

  /** The child's copy at fork: the same objects, nothing mapped (pmap_copy() is empty on x86_64). */
  VmSpace(VmSpace parent) {
    this.image = parent.image;
    for (int i = 0; i < entries.length; i++) {
      Entry p = parent.entries[i];
      Entry e = new Entry();
      e.object = p.object;
      e.onVnode = p.onVnode;
      e.shadow = p.shadow;
      e.needsCopy = p.object >= 0;
      entries[i] = e;
    }
  }

  Entry entry(Segment s) {
    return entries[s.ordinal()];
  }

  int mappedPtes() {
    int n = 0;
    for (Entry e : entries) {
      n += e.mapped.cardinality();
    }
    return n;
  }
}
