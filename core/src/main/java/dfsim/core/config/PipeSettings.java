package dfsim.core.config;

/**
 * {@code kernel.pipe.*}: what a pipe's read and write do besides the pipe's own data
 * (sys/kern/sys_pipe.c, kern_event.c): the poll of an empty pipe before sleeping
 * ({@code kern.pipe.delay}: 5 us until 9e465b5ea7, 2017-10-13, 4 us from it), knote()'s token on
 * every write and read that moves data, and the global count of reads that slept.
 */
public record PipeSettings(long delayNs, Knote knote, boolean rblockedCount) {

  /** {@code kernel.pipe.knote}: what pipewakeup()'s KNOTE() takes with no kevent registered. */
  public enum Knote {
    /** knote() holds the global kq_token (sys/kern/kern_event.c until e2b148c60d, 2011-11-01). */
    KQ_TOKEN,
    /** knote() holds a pool token hashed from the note list's address: the pipe's own (e2b148c60d). */
    POOL_TOKEN,
    /** KNOTE() skips knote() for an empty list (43348272c2, 2015-12-29). */
    NONE
  }

  public static PipeSettings from(Settings s) {
    return new PipeSettings(s.durationNs("kernel.pipe.delay", 0, 1_000_000_000L),
        s.choice("kernel.pipe.knote", Knote.class), s.on("kernel.pipe.rblocked-count"));
  }
}
