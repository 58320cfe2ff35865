package dfsim.core.protocol;

/** Why a CPU asks for a VM object's lock: what the home does when it grants it. */
public enum TokenIntent {
  /** vm_fault: the grant says whether the page is already resident. */
  FAULT,
  /** munmap: the grant removes the range's pages from the object and hands them back. */
  UNMAP,
  /** Work under the lock that needs nothing from the home (references, shadow lists, map splits). */
  HOLD,
  /** vm_object_terminate(): the grant hands back every page; the object is gone at the release. */
  TERMINATE,
  /**
   * sys_obreak() (a process's map token): the grant moves the break the token guards to the
   * request's {@code pindex} pages (as kernel.brk allows) and says where it was.
   */
  BRK
}
