package dfsim.core.program;

/**
 * A static binary: the vnode object holding its file pages (resident in the page cache) and the
 * pages of each segment. File-backed segments sit one after another in the file from page 0;
 * the others are anonymous.
 */
public record BinaryImage(int vnodeObject, int[] pages) {

  public BinaryImage {
    if (pages.length != Segment.values().length) {
      throw new IllegalArgumentException("one page count per segment");
    }
    pages = pages.clone();
  }

  /** Pages of {@code s}. */
  public int pages(Segment s) {
    return pages[s.ordinal()];
  }

  /** The file page where file-backed segment {@code s} starts. */
  public int filePage(Segment s) {
    int p = 0;
    for (Segment x : Segment.ALL) {
      if (x == s) {
        return p;
      }
      if (x.fileBacked()) {
        p += pages[x.ordinal()];
      }
    }
    throw new IllegalStateException();
  }

  /** Pages of the file (the vnode object's size). */
  public int filePages() {
    int p = 0;
    for (Segment x : Segment.ALL) {
      if (x.fileBacked()) {
        p += pages[x.ordinal()];
      }
    }
    return p;
  }
}
