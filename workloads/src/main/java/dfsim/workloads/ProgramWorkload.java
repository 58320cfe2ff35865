package dfsim.workloads;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dfsim.core.config.BadInputException;
import dfsim.core.config.Costs;
import dfsim.core.config.Settings;
import dfsim.core.config.UschedSettings;
import dfsim.cpus.Usched;
import dfsim.core.program.BinaryImage;
import dfsim.core.program.Segment;
import dfsim.core.program.ThreadSpec;
import dfsim.core.program.VmObjectSpec;
import dfsim.core.program.WorkloadPlan;
import dfsim.core.topology.Topology;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code workload.kind = program}: every thread runs the steps written under
 * {@code workload.program} (docs/reference.md, Programs) over the memory its process maps there.
 * Everything is checked here, before the run, with the path of the offending element; the steps
 * run in {@link ProgramRunner}.
 */
public final class ProgramWorkload {
  private static final String K = "workload.program.";
  private static final String VERBS =
      "compute, compute-mean, touch, mmap, munmap, madvise, brk, pipe-write, pipe-read, token, mutex, umtx, syscall, sleep, exec, fork, "
          + "touch-segment, op, repeat, "
          + "choice";
  /** pthread mutexes a program may name: umtx words on one page (the process's, or the thread's own). */
  static final int MAX_MUTEX = 1023;
  /** Pool tokens a program may name (lwkt_token pool of 4001 at 85946b6c; the model's are homed by id). */
  static final int MAX_TOKEN = 4000;
  /** The most pages a brk step sets the break above its start (4 GB; the pages are never touched). */
  static final int MAX_BRK = 1 << 20;
  /** The op of a program that marks none: one pass over its steps. */
  static final String PASS = "pass";

  private ProgramWorkload() {}

  /** Whose a mapping is: each thread's own; its process's, shared; or its process's, a slice per thread. */
  enum Per { THREAD, PROCESS, SLICE }

  /**
   * What a mapping maps: anonymous memory; a file resident in the page cache, shared (MAP_SHARED:
   * stores go to the file's pages); or privately (MAP_PRIVATE: a store copies the file's page into
   * the mapping's shadow object).
   */
  enum MapKind {
    ANONYMOUS, FILE, PRIVATE_FILE;

    String key() {
      return name().toLowerCase().replace('_', '-');
    }
  }

  /**
   * A mapping of {@code pages} pages (for each thread, with SLICE), homed on {@code homeNode} (-1:
   * the node of its first thread's CPU).
   */
  record Mapping(String name, MapKind kind, int pages, Per per, int homeNode) {
    Mapping(String name, boolean file, int pages, Per per, int homeNode) {
      this(name, file ? MapKind.FILE : MapKind.ANONYMOUS, pages, per, homeNode);
    }

    boolean perThread() {
      return per == Per.THREAD;
    }

    /** Whether the mapping has a file behind it (shared or private). */
    boolean file() {
      return kind != MapKind.ANONYMOUS;
    }
  }

  /**
   * A static binary a program execs: the pages of each segment ({@link Segment}), its file (the
   * file-backed segments one after another) in the page cache of {@code homeNode} from boot.
   */
  record Image(String name, int[] pages, int homeNode) {
    int filePages() {
      int n = 0;
      for (Segment seg : Segment.ALL) {
        n += seg.fileBacked() ? pages[seg.ordinal()] : 0;
      }
      return n;
    }
  }

  /** The names steps refer to: the mappings and the images. */
  /**
   * What steps refer to by name, and whether a system call that does no work ({@code syscall})
   * and a sched_yield() ({@code yield}) take simulated time with the run's costs.
   */
  private record Names(List<Mapping> mappings, List<Image> images, List<String> pipes, boolean syscall, boolean yield) {}

  /** The steps a program is made of. */
  sealed interface Step {}

  /** execve() of image {@code image} (its index): the process's address space is replaced. */
  record Exec(int image) implements Step {}

  /**
   * fork(): the child runs {@code body} on this CPU while the parent waits in wait4(), then
   * exits; the parent goes on.
   */
  record Fork(List<Step> body) implements Step {}

  /** A load ({@code write} false) or store to page {@code page} of a segment of the running image. */
  record TouchSegment(Segment segment, int page, boolean write) implements Step {}

  /** Computes for {@code ns}, fixed or drawn from an exponential of that mean. */
  record Compute(long ns, boolean exponential) implements Step {}

  /**
   * Touches {@code pages} pages of mapping {@code mapping} (-1: all), in order from its cursor or at
   * random; each page this thread has not mapped since its last munmap faults.
   */
  record Touch(int mapping, int pages, boolean random, boolean write) implements Step {}

  /** munmap() of the whole mapping: its pages are freed and their PTEs invalidated. */
  record Munmap(int mapping) implements Step {}

  /**
   * mmap() of a per-thread mapping anew: anonymous memory (a map entry with no VM object until its
   * first touch) or the thread's own file, privately (the entry maps the file's object). A mapping
   * that some step mmaps is unmapped until then, and after each munmap.
   */
  record Mmap(int mapping) implements Step {}

  /**
   * madvise(MADV_DONTNEED) of the {@code pages} pages of mapping {@code mapping} last reached in
   * order (those just behind its cursor), or of all of it (-1).
   */
  record Madvise(int mapping, int pages) implements Step {}

  /**
   * brk() to {@code pages} pages above where libc's sbrk(0) put the break when the threads started
   * (each thread's base; the process's threads share the break).
   */
  record Brk(int pages) implements Step {}

  /** write() of one byte to pipe {@code pipe} (its index in {@code pipes}), read by the task's partner or the task. */
  record PipeWrite(int pipe) implements Step {}

  /** read() of one byte from pipe {@code pipe}: it sleeps until the other end writes, if empty. */
  record PipeRead(int pipe) implements Step {}

  /** lwkt_gettoken() of a pool token, {@code holdNs} of work under it, lwkt_reltoken(). */
  record Token(int token, long holdNs) implements Step {}

  /**
   * pthread_mutex_lock() of mutex {@code mutex} (or, {@link #ANY}, one of mutexes 0..{@code
   * mutexes - 1} drawn from its CPU's stream), {@code holdNs} of work (fixed, or drawn from an
   * exponential of that mean), pthread_mutex_unlock(): umtx_sleep()/umtx_wakeup() when contested.
   * The umtx word sits on the process's mutex page, shared by its threads, or ({@code perThread})
   * on a page of the thread's own, homed on its node (a mutex on the thread's stack).
   */
  record Mutex(int mutex, int mutexes, long holdNs, boolean holdExponential, boolean perThread) implements Step {
    /** {@code mutex = any}: one drawn at each lock. */
    static final int ANY = -1;
  }

  /**
   * A umtx call with nothing to wait for on word {@code word} of the process's or the thread's own
   * mutex page: umtx_sleep() with a value the word does not hold (EBUSY at once), or
   * umtx_wakeup() of a word nobody sleeps on.
   */
  record Umtx(boolean sleep, int word, boolean perThread) implements Step {}

  /** A system call that does no work (getppid()): its entry and exit, {@code cost.syscall}; {@code name} is the kernel's (sys_getppid). */
  record Syscall(String name) implements Step {}

  /** sched_yield() of a thread with nothing else runnable on its CPU. */
  record SchedYield() implements Step {}

  /** tsleep() for {@code ns}. */
  record Sleep(long ns) implements Step {}

  /** One op for the metrics, named {@code name}: the time from its first step to the end of its last. */
  record Marker(String name, List<Step> body) implements Step {}

  /** The body {@code times} times (0: until the end of the run). */
  record Repeat(int times, List<Step> body) implements Step {}

  /** One of the branches, by weight, drawn from the random stream of the thread's CPU. */
  record Choice(double[] weights, List<List<Step>> branches) implements Step {}

  /**
   * The checked program: its mappings, its steps, how often they run (0 = until the end), its op
   * (the first marker, or "pass" around each pass when the steps mark none).
   */
  record Spec(List<Mapping> mappings, List<Image> images, List<Step> steps, int repeat, String op, List<String> pipes,
      List<Step> partner, boolean partnerThread) {
    Spec(List<Mapping> mappings, List<Image> images, List<Step> steps, int repeat, String op) {
      this(mappings, images, steps, repeat, op, List.of(), List.of(), true);
    }

    Spec(List<Mapping> mappings, List<Step> steps, int repeat, String op) {
      this(mappings, List.of(), steps, repeat, op);
    }

    /**
     * The program of each task's partner (will-it-scale's new_task()): its steps until the end of
     * the run, no op of its own.
     */
    Spec partnerSpec() {
      return new Spec(List.of(), List.of(), partner, 0, "", pipes, List.of(), partnerThread);
    }

    boolean passIsTheOp() {
      return op.equals(PASS) && !containsMarker(steps);
    }

    /** Whether some step mmaps mapping {@code m} (so that it is unmapped until then). */
    boolean mmaps(int m) {
      return ProgramWorkload.mmaps(steps, m);
    }
  }

  /** Builds the plan of {@code workload.program}. */
  public static WorkloadPlan plan(Settings s, Topology topo) {
    Placement place = Placement.from(s, topo);
    Spec spec = spec(s);
    return build("program", spec, place, bind(s, topo, place), topo, dfsim.core.config.Costs.from(s).syscallNs(),
        m -> K + "mappings[" + m + "].pages = " + spec.mappings().get(m).pages());
  }

  /**
   * Builds a plan that runs {@code spec} on every thread of {@code place}, thread i on CPU
   * {@code cpuOf[i]}: for each process, a VM object per per-process mapping, then each thread's
   * per-thread ones; then, with mutex steps, each process's mutex page (process 0's followed by its
   * vm_map token) and each thread's own mutex page; then each image's vnode object. The
   * files must fit their home nodes' page cache; {@code sizeKey} names the key (and value) that
   * sizes mapping m, for the message when they do not.
   */
  static WorkloadPlan build(String kind, Spec spec, Placement place, int[] cpuOf, Topology topo, long syscallNs,
      java.util.function.IntFunction<String> sizeKey) {
    List<ThreadSpec> threads = new ArrayList<>();
    for (int tid = 0; tid < place.totalThreads(); tid++) {
      threads.add(new ThreadSpec(tid, tid / place.threadsPerProcess(), place.priority(), cpuOf[tid]));
    }
    List<VmObjectSpec> objects = new ArrayList<>();
    int n = spec.mappings().size();
    int[][] objectOf = new int[place.totalThreads()][n];
    int[][] vnodeOf = new int[place.totalThreads()][n];
    int[][] baseOf = new int[place.totalThreads()][n];
    long anonPages = 0;
    long[] filePagesOn = new long[topo.nodes()];
    for (int p = 0; p < place.processes(); p++) {
      int first = p * place.threadsPerProcess();
      int[] shared = new int[n];
      int[] sharedVnode = new int[n];
      for (int m = 0; m < n; m++) {
        Mapping map = spec.mappings().get(m);
        if (!map.perThread()) {
          int pages = map.per() == Per.SLICE ? map.pages() * place.threadsPerProcess() : map.pages();
          int home = map.homeNode() >= 0 ? map.homeNode() : topo.nodeOf(cpuOf[first]);
          sharedVnode[m] = addFile(map, objects, home, pages);
          shared[m] = addMapped(map, objects, home, pages);
          anonPages += map.kind() == MapKind.FILE ? 0 : pages;
          fitPageCache(map.file(), filePagesOn, home, pages, topo, sizeKey.apply(m));
        }
      }
      for (int i = 0; i < place.threadsPerProcess(); i++) {
        int tid = first + i;
        for (int m = 0; m < n; m++) {
          Mapping map = spec.mappings().get(m);
          if (map.perThread()) {
            int home = map.homeNode() >= 0 ? map.homeNode() : topo.nodeOf(cpuOf[tid]);
            vnodeOf[tid][m] = addFile(map, objects, home, map.pages());
            objectOf[tid][m] = addMapped(map, objects, home, map.pages());
            anonPages += map.kind() == MapKind.FILE ? 0 : map.pages();
            fitPageCache(map.file(), filePagesOn, home, map.pages(), topo, sizeKey.apply(m));
          } else {
            vnodeOf[tid][m] = sharedVnode[m];
            objectOf[tid][m] = shared[m];
            baseOf[tid][m] = map.per() == Per.SLICE ? i * map.pages() : 0;
          }
        }
      }
    }
    int[] processMutexPage = new int[place.totalThreads()];
    int[] threadMutexPage = new int[place.totalThreads()];
    java.util.Arrays.fill(processMutexPage, -1);
    java.util.Arrays.fill(threadMutexPage, -1);
    if (usesMutexes(spec.steps(), false)) {
      for (int p = 0; p < place.processes(); p++) {
        int first = p * place.threadsPerProcess();
        int page = objects.size();
        int home = topo.nodeOf(cpuOf[first]);
        objects.add(new VmObjectSpec(page, home, 1, VmObjectSpec.Kind.ANON));
        if (p == 0) {
          // Process 0's vm_map token, which umtx's fault-page mode takes (the others' are made on demand).
          objects.add(new VmObjectSpec(objects.size(), home, 0, VmObjectSpec.Kind.MAP));
        }
        java.util.Arrays.fill(processMutexPage, first, first + place.threadsPerProcess(), page);
      }
    }
    if (usesMutexes(spec.steps(), true)) {
      for (int tid = 0; tid < place.totalThreads(); tid++) {
        threadMutexPage[tid] = objects.size();
        objects.add(new VmObjectSpec(objects.size(), topo.nodeOf(cpuOf[tid]), 1, VmObjectSpec.Kind.ANON));
      }
    }
    int[] brkObject = new int[place.totalThreads()];
    java.util.Arrays.fill(brkObject, -1);
    if (uses(spec.steps(), Brk.class)) {
      for (int p = 0; p < place.processes(); p++) {
        // The object above the break's start: the image's bss object (kernel.brk = coalesce) or the
        // brk entry's own, homed with the process's first thread.
        int first = p * place.threadsPerProcess();
        int object = objects.size();
        objects.add(new VmObjectSpec(object, topo.nodeOf(cpuOf[first]), 1, VmObjectSpec.Kind.ANON));
        java.util.Arrays.fill(brkObject, first, first + place.threadsPerProcess(), object);
      }
    }
    BinaryImage[] binaries = new BinaryImage[spec.images().size()];
    if (usesProcesses(spec.steps()) && place.threadsPerProcess() != 1) {
      throw new BadInputException("workload.threads = " + place.threadsPerProcess() + ": a program with exec or fork "
          + "steps runs single-threaded processes (workload.threads = 1)");
    }
    for (int i = 0; i < binaries.length; i++) {
      // The binary's vnode object, its file in the page cache of its node from boot.
      Image img = spec.images().get(i);
      if (img.homeNode() >= topo.nodes()) {
        throw new BadInputException(K + "images[" + i + "].home-node = " + img.homeNode() + ": must be in 0.."
            + (topo.nodes() - 1));
      }
      binaries[i] = new BinaryImage(objects.size(), img.pages());
      objects.add(new VmObjectSpec(objects.size(), img.homeNode(), img.filePages(), true));
      fitPageCache(true, filePagesOn, img.homeNode(), img.filePages(), topo, K + "images[" + i + "].pages");
    }
    if (anonPages > topo.pagesPerNode() * topo.nodes()) {
      throw new BadInputException(K + "mappings: " + anonPages + " anonymous pages in all exceed the box's "
          + topo.pagesPerNode() * topo.nodes() + " (raise topology.memory-per-node)");
    }
    int tasks = place.totalThreads();
    int pipes = spec.pipes().size();
    if (!spec.partner().isEmpty() && !spec.partnerThread()
        && place.processes() + tasks > VmObjectSpec.MAX_PROCESSES) {
      throw new BadInputException("workload.processes = " + place.processes() + ", workload.threads = "
          + place.threadsPerProcess() + ": with partner-as = process each task's partner is a process too, "
          + (place.processes() + tasks) + " in all; at most " + VmObjectSpec.MAX_PROCESSES);
    }
    if (!spec.partner().isEmpty()) {
      // Each task's partner on its CPU (will-it-scale's new_task()): a thread of the task's process,
      // or a forked process of its own.
      for (int i = 0; i < tasks; i++) {
        int pid = spec.partnerThread() ? threads.get(i).pid() : place.processes() + i;
        threads.add(new ThreadSpec(tasks + i, pid, place.priority(), cpuOf[i]));
      }
    }
    Spec partner = spec.partnerSpec();
    int[] none = new int[0];
    return new WorkloadPlan(kind, spec.op(), threads, objects,
        t -> t.tid() < tasks
            ? new ProgramRunner(spec, objectOf[t.tid()], vnodeOf[t.tid()], baseOf[t.tid()], processMutexPage[t.tid()],
                threadMutexPage[t.tid()], brkObject[t.tid()], t.tid() * pipes, binaries, syscallNs)
            : new ProgramRunner(partner, none, none, none, -1, -1, -1, (t.tid() - tasks) * pipes, binaries, syscallNs),
        sendsAtOnce(spec.steps()) || sendsAtOnce(spec.partner()));
  }

  /** A private file mapping's file (its vnode object), added to {@code objects}; -1 for any other mapping. */
  private static int addFile(Mapping map, List<VmObjectSpec> objects, int home, int pages) {
    if (map.kind() != MapKind.PRIVATE_FILE) {
      return -1;
    }
    objects.add(new VmObjectSpec(objects.size(), home, pages, VmObjectSpec.Kind.FILE));
    return objects.size() - 1;
  }

  /**
   * The object a mapping's entry maps, added to {@code objects}: anonymous memory, the file of a
   * shared mapping, or a private mapping's shadow (anonymous, homed with its file; the model makes
   * it with the mapping, where the kernel's vm_object_shadow() makes it at the first store).
   */
  private static int addMapped(Mapping map, List<VmObjectSpec> objects, int home, int pages) {
    objects.add(new VmObjectSpec(objects.size(), home, pages,
        map.kind() == MapKind.FILE ? VmObjectSpec.Kind.FILE : VmObjectSpec.Kind.ANON));
    return objects.size() - 1;
  }

  /** Adds a file's pages to its home node's page cache, which must hold them from boot. */
  private static void fitPageCache(boolean file, long[] filePagesOn, int home, long pages, Topology topo,
      String sizeKey) {
    if (file && (filePagesOn[home] += pages) > topo.pagesPerNode()) {
      throw new BadInputException(sizeKey + ": the files homed on node " + home + " need more than its "
          + topo.pagesPerNode() + " pages of page cache (raise topology.memory-per-node)");
    }
  }

  /** Reads and checks {@code workload.program.*}. */
  static Spec spec(Settings s) {
    List<Mapping> mappings = mappings(s.config());
    List<Image> images = images(s.config());
    Costs cost = Costs.from(s);
    List<String> pipes = pipes(s.config());
    Names names = new Names(mappings, images, pipes, cost.syscallNs() > 0, Usched.takesTime(UschedSettings.from(s), cost));
    List<Step> steps = steps(s.config(), K + "steps", K + "steps", names);
    List<Step> partner = partner(s.config(), steps, names);
    if (steps.isEmpty()) {
      throw new BadInputException(K + "steps = []: a program needs at least one step (" + VERBS + ")");
    }
    int repeat = s.intIn(K + "repeat", 0, Integer.MAX_VALUE);
    if (repeat == 0 && !advances(steps, names)) {
      throw new BadInputException(K + "steps: repeated until the end (repeat = 0), every pass must advance "
          + "simulated time on every path (a compute or sleep above 0, a touch, munmap or token; a syscall "
          + "only with cost.syscall above 0)");
    }
    if (usesProcesses(steps)) {
      if (!mappings.isEmpty() || uses(steps, Mutex.class) || uses(steps, Umtx.class) || uses(steps, Brk.class)
          || !pipes.isEmpty()) {
        throw new BadInputException(K + "steps: a program with exec or fork steps has no mappings, mutexes, umtx or "
            + "brk steps, nor pipes (its memory is its image's; touch it with touch-segment)");
      }
      checkImages(steps, new ImageState(), repeat != 1, K + "steps", images);
    } else if (uses(steps, TouchSegment.class)) {
      throw new BadInputException(K + "steps: touch-segment touches the image an exec step maps; the steps exec none");
    }
    Set<String> markers = new LinkedHashSet<>();
    markers(steps, markers);
    String op = s.string(K + "op");
    if (markers.isEmpty()) {
      // No marker: each pass over the steps is one op.
      if (!op.isEmpty() && !op.equals(PASS)) {
        throw new BadInputException(K + "op = " + op + ": the steps mark no op, so the op is \"" + PASS
            + "\" (one pass over the steps); mark ops with { op = name, steps = [...] }");
      }
      op = PASS;
    } else if (op.isEmpty()) {
      op = markers.iterator().next();
    } else if (!markers.contains(op)) {
      throw new BadInputException(K + "op = " + op + ": must name an op marker of the steps: " + markers);
    }
    new MapStates(steps, mappings).check(repeat);
    String as = s.string(K + "partner-as");
    if (!as.equals("thread") && !as.equals("process")) {
      throw new BadInputException(K + "partner-as = " + as + ": must be thread (will-it-scale's threads mode: "
          + "new_task() makes a pthread) | process (processes mode: it forks)");
    }
    return new Spec(mappings, images, steps, repeat, op, pipes, partner, as.equals("thread"));
  }

  /** {@code workload.program.pipes}: the names of the pipes each task shares with its partner. */
  private static List<String> pipes(Config c) {
    List<String> out = new ArrayList<>();
    if (!c.hasPath(K + "pipes")) {
      return out;
    }
    ConfigList list = list(c, K + "pipes");
    for (int i = 0; i < list.size(); i++) {
      String path = K + "pipes[" + i + "]";
      if (list.get(i).valueType() != ConfigValueType.STRING) {
        throw new BadInputException(path + ": must be a pipe's name, e.g. pipes = [ping, pong]");
      }
      out.add(word((String) list.get(i).unwrapped(), path, out, "a pipe"));
    }
    return out;
  }

  /** The steps a partner may run: computation and its ends of the pipes, in repeats and choices. */
  private static final Set<Class<?>> PARTNER_STEPS = Set.of(Compute.class, PipeWrite.class, PipeRead.class,
      Repeat.class, Choice.class);

  /**
   * {@code workload.program.partner}: the steps of each task's partner on the task's CPU, which
   * pipes need (each task's pipes join it to its partner) and only they allow.
   */
  private static List<Step> partner(Config c, List<Step> steps, Names names) {
    boolean pipes = !names.pipes().isEmpty();
    if (!c.hasPath(K + "partner") || list(c, K + "partner").isEmpty()) {
      if (pipes) {
        throw new BadInputException(K + "pipes = " + names.pipes() + ": pipes join each task and its partner; "
            + "give the partner's steps in " + K + "partner");
      }
      return List.of();
    }
    if (!pipes) {
      throw new BadInputException(K + "partner: a partner talks to its task through pipes; name them in " + K
          + "pipes");
    }
    List<Step> partner = steps(c, K + "partner", K + "partner", names);
    for (int i = 0; i < partner.size(); i++) {
      checkPartnerStep(partner.get(i), K + "partner[" + i + "]");
    }
    if (!advances(partner, names)) {
      throw new BadInputException(K + "partner: repeated until the end, every pass must advance simulated time "
          + "(a compute above 0, or a pipe-read or pipe-write with cost.syscall above 0)");
    }
    if (uses(steps, SchedYield.class)) {
      throw new BadInputException(K + "steps: sched_yield is modelled with nothing else runnable on the CPU, and "
          + "a partner shares it");
    }
    for (int p = 0; p < names.pipes().size(); p++) {
      int pipe = p;
      boolean taskWrites = any(steps, s -> s instanceof PipeWrite w && w.pipe() == pipe);
      boolean taskReads = any(steps, s -> s instanceof PipeRead r && r.pipe() == pipe);
      boolean partnerWrites = any(partner, s -> s instanceof PipeWrite w && w.pipe() == pipe);
      boolean partnerReads = any(partner, s -> s instanceof PipeRead r && r.pipe() == pipe);
      if (!(taskWrites && partnerReads && !taskReads && !partnerWrites)
          && !(partnerWrites && taskReads && !partnerReads && !taskWrites)) {
        throw new BadInputException(K + "pipes[" + p + "] = " + names.pipes().get(p) + ": one side writes a pipe and "
            + "the other reads it (the task or its partner, each one end)");
      }
    }
    return partner;
  }

  private static void checkPartnerStep(Step s, String path) {
    if (!PARTNER_STEPS.contains(s.getClass())) {
      throw new BadInputException(path + ": a partner's steps are compute, compute-mean, pipe-read, pipe-write, "
          + "repeat and choice (it has no memory of its own and no op)");
    }
    if (s instanceof Repeat r) {
      for (int i = 0; i < r.body().size(); i++) {
        checkPartnerStep(r.body().get(i), path + ".steps[" + i + "]");
      }
    } else if (s instanceof Choice ch) {
      for (int b = 0; b < ch.branches().size(); b++) {
        for (int i = 0; i < ch.branches().get(b).size(); i++) {
          checkPartnerStep(ch.branches().get(b).get(i), path + ".choice[" + b + "].steps[" + i + "]");
        }
      }
    }
  }

  private static List<Image> images(Config c) {
    List<Image> out = new ArrayList<>();
    if (!c.hasPath(K + "images")) {
      return out;
    }
    ConfigList list = list(c, K + "images");
    for (int i = 0; i < list.size(); i++) {
      String path = K + "images[" + i + "]";
      Config m = object(list.get(i), path);
      known(m, path, Set.of("name", "pages", "home-node"));
      String name = name(m, path, out.stream().map(Image::name).toList(), "an image");
      if (!m.hasPath("pages")) {
        throw new BadInputException(path + ".pages: missing; the pages of each segment, e.g. { header = 1, text = 40, "
            + "data = 4, bss = 2, stack = 2 }");
      }
      Config pages = object(m.getValue("pages"), path + ".pages");
      List<String> segs = Segment.ALL.stream().map(x -> x.name().toLowerCase()).toList();
      known(pages, path + ".pages", Set.copyOf(segs));
      int[] n = new int[Segment.ALL.size()];
      for (Segment seg : Segment.ALL) {
        String k = seg.name().toLowerCase();
        n[seg.ordinal()] = pages.hasPath(k) ? intIn(pages, k, seg == Segment.HEADER ? 1 : 0, 1 << 20, path + ".pages")
            : seg == Segment.HEADER ? 1 : 0;
      }
      int home = m.hasPath("home-node") ? intIn(m, "home-node", 0, 4095, path) : 0;
      out.add(new Image(name, n, home));
    }
    return out;
  }

  /** What the static walk knows of a process's image at a point of the steps. */
  private static final class ImageState {
    /** The running image (its index), -1 before any exec, -2 when branches disagree. */
    int image = -1;
    /** Forked since the last exec: its image's memory is shared copy-on-write. */
    boolean forked;
    boolean inChild;
    /** File-backed pages read since the last exec ("segment:page"). */
    Set<String> read = new java.util.HashSet<>();

    ImageState copy() {
      ImageState c = new ImageState();
      c.image = image;
      c.forked = forked;
      c.inChild = inChild;
      c.read = new java.util.HashSet<>(read);
      return c;
    }
  }

  /**
   * Walks the steps in program order, as the kernel model will run them (a repeat twice, so that
   * a pass meets what the one before left; each branch of a choice), and refuses what the model of
   * fork, exec and exit cannot run: a touch before any exec or beyond its segment, a store to a
   * file page already read in the same image (its copy-on-write would have to find the page's
   * other mappings), a store after a fork before the next exec, a fork inside a forked child.
   */
  private static void checkImages(List<Step> steps, ImageState st, boolean twice, String path, List<Image> images) {
    for (int pass = 0; pass < (twice ? 2 : 1); pass++) {
      for (int i = 0; i < steps.size(); i++) {
        String at = path + "[" + i + "]";
        Step s = steps.get(i);
        if (s instanceof Exec e) {
          st.image = e.image();
          st.forked = false;
          st.read.clear();
        } else if (s instanceof TouchSegment t) {
          String seg = t.segment().name().toLowerCase();
          if (st.image == -1) {
            throw new BadInputException(at + ".touch-segment = " + seg + ": no image is running here (exec one first)");
          }
          if (st.image == -2) {
            throw new BadInputException(at + ".touch-segment = " + seg + ": the branches of a choice before it leave "
                + "different images running; exec one after the choice");
          }
          Image img = images.get(st.image);
          int size = img.pages()[t.segment().ordinal()];
          if (t.page() >= size) {
            throw new BadInputException(at + ".page = " + t.page() + ": must be in 0.." + (size - 1) + " (segment "
                + seg + " of image " + img.name() + ")");
          }
          String key = seg + ":" + t.page();
          if (t.write() && st.forked) {
            throw new BadInputException(at + ".write = true: the image is shared copy-on-write with a forked "
                + "process until the next exec, and such stores are not modelled");
          }
          if (t.write() && t.segment().fileBacked() && st.read.contains(key)) {
            throw new BadInputException(at + ".write = true: page " + t.page() + " of " + seg + " was read since the "
                + "exec; a copy-on-write of a mapped file page is not modelled (store before loading it)");
          }
          if (!t.write() && t.segment().fileBacked()) {
            st.read.add(key);
          }
        } else if (s instanceof Fork f) {
          if (st.inChild) {
            throw new BadInputException(at + ".fork: a fork inside a forked child is not modelled");
          }
          ImageState child = st.copy();
          child.inChild = true;
          child.forked = true;
          checkImages(f.body(), child, false, at + ".fork", images);
          st.forked = true;
        } else if (s instanceof Marker m) {
          checkImages(m.body(), st, false, at + ".steps", images);
        } else if (s instanceof Repeat r) {
          checkImages(r.body(), st, r.times() != 1, at + ".steps", images);
        } else if (s instanceof Choice c) {
          ImageState merged = null;
          for (int b = 0; b < c.branches().size(); b++) {
            ImageState mine = st.copy();
            checkImages(c.branches().get(b), mine, false, at + ".choice[" + b + "].steps", images);
            if (merged == null) {
              merged = mine;
            } else {
              merged.image = merged.image == mine.image ? merged.image : -2;
              merged.forked |= mine.forked;
              merged.read.addAll(mine.read);
            }
          }
          st.image = merged.image;
          st.forked = merged.forked;
          st.read = merged.read;
        }
      }
    }
  }

  /** Whether the steps exec or fork, at any depth. */
  static boolean usesProcesses(List<Step> steps) {
    return uses(steps, Exec.class) || uses(steps, Fork.class);
  }

  /** An element's {@code name}: a word, not one of {@code taken} (the names of {@code what}s before it). */
  private static String name(Config m, String path, List<String> taken, String what) {
    return word(string(m, "name", path), path + ".name", taken, what);
  }

  /** {@code name}, the value at {@code path}: a word, not one of {@code taken} (the names of {@code what}s before it). */
  private static String word(String name, String path, List<String> taken, String what) {
    if (!name.matches("[A-Za-z][A-Za-z0-9_-]*")) {
      throw new BadInputException(path + " = " + name + ": letters, digits, '_' and '-', starting with a letter");
    }
    if (taken.contains(name)) {
      throw new BadInputException(path + " = " + name + ": " + what + " of that name exists already");
    }
    return name;
  }

  private static List<Mapping> mappings(Config c) {
    List<Mapping> out = new ArrayList<>();
    ConfigList list = list(c, K + "mappings");
    for (int i = 0; i < list.size(); i++) {
      String path = K + "mappings[" + i + "]";
      Config m = object(list.get(i), path);
      known(m, path, Set.of("name", "kind", "pages", "per", "home-node"));
      String name = name(m, path, out.stream().map(Mapping::name).toList(), "a mapping");
      String kind = m.hasPath("kind") ? string(m, "kind", path) : "anonymous";
      MapKind mapKind = java.util.Arrays.stream(MapKind.values()).filter(k -> k.key().equals(kind)).findFirst()
          .orElseThrow(() -> new BadInputException(path + ".kind = " + kind + ": must be anonymous | file (MAP_SHARED) "
              + "| private-file (MAP_PRIVATE)"));
      int pages = intIn(m, "pages", 1, 1 << 24, path);
      String per = m.hasPath("per") ? string(m, "per", path) : "thread";
      if (!per.equals("thread") && !per.equals("process") && !per.equals("slice")) {
        throw new BadInputException(path + ".per = " + per + ": must be thread | process | slice");
      }
      int home = m.hasPath("home-node") ? intIn(m, "home-node", -1, 4095, path) : -1;
      if (mapKind == MapKind.PRIVATE_FILE && per.equals("process")) {
        throw new BadInputException(path + ".per = process: a private-file mapping shared by the process's threads "
            + "would copy a page one thread's store already copied, whose mappings the model tracks per thread; "
            + "use per = thread or per = slice");
      }
      out.add(new Mapping(name, mapKind, pages, Per.valueOf(per.toUpperCase()), home));
    }
    return out;
  }

  private static List<Step> steps(Config c, String key, String path, Names names) {
    ConfigList list = list(c, key, path);
    List<Step> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      out.add(step(object(list.get(i), path + "[" + i + "]"), path + "[" + i + "]", names));
    }
    return out;
  }

  private static Step step(Config c, String path, Names names) {
    List<Mapping> mappings = names.mappings();
    List<String> verbs = new ArrayList<>();
    for (String v : VERBS.split(", ")) {
      if (c.hasPath(v)) {
        verbs.add(v);
      }
    }
    if (verbs.size() != 1) {
      throw new BadInputException(path + ": " + (verbs.isEmpty() ? "no operation" : "several operations " + verbs)
          + "; a step is one of " + VERBS);
    }
    String verb = verbs.get(0);
    switch (verb) {
      case "compute", "compute-mean" -> {
        known(c, path, Set.of(verb));
        return new Compute(duration(c, verb, path), verb.equals("compute-mean"));
      }
      case "touch" -> {
        known(c, path, Set.of("touch", "pages", "order", "write"));
        int m = mapping(c, "touch", path, mappings);
        Mapping map = mappings.get(m);
        int pages = pagesOrAll(c, map, path);
        String order = c.hasPath("order") ? string(c, "order", path) : "sequential";
        if (!order.equals("sequential") && !order.equals("random")) {
          throw new BadInputException(path + ".order = " + order + ": must be sequential | random");
        }
        boolean write = c.hasPath("write") ? bool(c, "write", path) : map.kind() != MapKind.FILE;
        if (map.kind() == MapKind.PRIVATE_FILE && !write) {
          throw new BadInputException(path + ".write = false: mapping " + map.name() + " is a private-file mapping, "
              + "which programs store to only (a store after a load would copy a mapped file page, which is not "
              + "modelled)");
        }
        if (map.kind() == MapKind.ANONYMOUS && !write) {
          throw new BadInputException(path + ".write = false: a read of untouched anonymous memory maps the "
              + "zero page, which the model does not have; touch " + map.name() + " with write = true");
        }
        return new Touch(m, pages, order.equals("random"), write);
      }
      case "mmap" -> {
        known(c, path, Set.of("mmap"));
        int m = mapping(c, "mmap", path, mappings);
        Mapping map = mappings.get(m);
        if (map.kind() == MapKind.FILE || map.per() != Per.THREAD) {
          throw new BadInputException(path + ".mmap = " + map.name() + ": the model maps anew only per = thread "
              + "mappings of anonymous memory or of the thread's own file, privately (kind = anonymous | "
              + "private-file, per = thread); a shared file's mmap is not modelled");
        }
        return new Mmap(m);
      }
      case "pipe-write", "pipe-read" -> {
        known(c, path, Set.of(verb));
        String name = string(c, verb, path);
        int pipe = names.pipes().indexOf(name);
        if (pipe < 0) {
          throw new BadInputException(path + "." + verb + " = " + name + ": no such pipe; pipes: " + names.pipes());
        }
        return verb.equals("pipe-write") ? new PipeWrite(pipe) : new PipeRead(pipe);
      }
      case "brk" -> {
        known(c, path, Set.of("brk"));
        return new Brk(intIn(c, "brk", 1, MAX_BRK, path));
      }
      case "munmap" -> {
        known(c, path, Set.of("munmap"));
        int m = mapping(c, "munmap", path, mappings);
        if (mappings.get(m).per() == Per.PROCESS) {
          throw new BadInputException(path + ".munmap = " + mappings.get(m).name() + ": the mapping is shared by "
              + "the process's threads, whose mapped pages the model tracks per thread; munmap a per = thread "
              + "or per = slice mapping");
        }
        return new Munmap(m);
      }
      case "madvise" -> {
        known(c, path, Set.of("madvise", "pages", "advice"));
        int m = mapping(c, "madvise", path, mappings);
        Mapping map = mappings.get(m);
        String advice = c.hasPath("advice") ? string(c, "advice", path) : "dontneed";
        if (!advice.equals("dontneed")) {
          throw new BadInputException(path + ".advice = " + advice + ": must be dontneed (MADV_DONTNEED)");
        }
        if (map.per() == Per.PROCESS && map.kind() != MapKind.FILE) {
          throw new BadInputException(path + ".madvise = " + map.name() + ": the mapping is shared by the process's "
              + "threads, whose resident pages the model tracks per thread; madvise a per = thread or per = slice "
              + "mapping");
        }
        int pages = pagesOrAll(c, map, path);
        return new Madvise(m, pages);
      }
      case "token" -> {
        known(c, path, Set.of("token", "hold"));
        int token = intIn(c, "token", 0, MAX_TOKEN, path);
        return new Token(token, c.hasPath("hold") ? duration(c, "hold", path) : 0);
      }
      case "mutex" -> {
        known(c, path, Set.of("mutex", "mutexes", "hold", "hold-mean", "per"));
        boolean any = c.getValue("mutex").unwrapped() instanceof String name && name.equals("any");
        int mutex = any ? Mutex.ANY : intIn(c, "mutex", 0, MAX_MUTEX, path);
        if (any != c.hasPath("mutexes")) {
          throw new BadInputException(path + (any ? ".mutex = any: needs mutexes = N, the mutexes it picks from"
              : ".mutexes: only with mutex = any (one of N mutexes, drawn at each lock)"));
        }
        int mutexes = any ? intIn(c, "mutexes", 1, MAX_MUTEX + 1, path) : 1;
        if (c.hasPath("hold") && c.hasPath("hold-mean")) {
          throw new BadInputException(path + ": hold and hold-mean; give one (fixed, or the mean of an exponential)");
        }
        boolean exponential = c.hasPath("hold-mean");
        long hold = exponential ? duration(c, "hold-mean", path) : c.hasPath("hold") ? duration(c, "hold", path) : 0;
        return new Mutex(mutex, mutexes, hold, exponential, perThread(c, path));
      }
      case "umtx" -> {
        known(c, path, Set.of("umtx", "word", "per"));
        String call = string(c, "umtx", path);
        if (!call.equals("sleep") && !call.equals("wakeup")) {
          throw new BadInputException(path + ".umtx = " + call + ": must be sleep (umtx_sleep() with a value the "
              + "word does not hold: EBUSY at once) | wakeup (umtx_wakeup() with nobody asleep)");
        }
        int word = c.hasPath("word") ? intIn(c, "word", 0, MAX_MUTEX, path) : 0;
        return new Umtx(call.equals("sleep"), word, perThread(c, path));
      }
      case "syscall" -> {
        known(c, path, Set.of("syscall"));
        String name = string(c, "syscall", path);
        if (name.equals("sched_yield")) {
          return new SchedYield();
        }
        if (!name.equals("getppid")) {
          throw new BadInputException(path + ".syscall = " + name + ": must be getppid (a system call that does no "
              + "work: its entry and exit) | sched_yield (nothing else runnable: the userland scheduler's release "
              + "and acquire of the CPU, kernel.usched)");
        }
        return new Syscall("sys_" + name);
      }
      case "sleep" -> {
        known(c, path, Set.of("sleep"));
        long ns = duration(c, "sleep", path);
        if (ns <= 0) {
          throw new BadInputException(path + ".sleep = 0: must be above 0");
        }
        return new Sleep(ns);
      }
      case "exec" -> {
        known(c, path, Set.of("exec"));
        String name = string(c, "exec", path);
        for (int i = 0; i < names.images().size(); i++) {
          if (names.images().get(i).name().equals(name)) {
            return new Exec(i);
          }
        }
        throw new BadInputException(path + ".exec = " + name + ": no such image; images: "
            + names.images().stream().map(Image::name).toList() + " (workload.program.images)");
      }
      case "fork" -> {
        known(c, path, Set.of("fork"));
        List<Step> body = steps(c, "fork", path + ".fork", names);
        if (body.isEmpty()) {
          throw new BadInputException(path + ".fork = []: the child needs at least one step before it exits");
        }
        return new Fork(body);
      }
      case "touch-segment" -> {
        known(c, path, Set.of("touch-segment", "page", "write"));
        String seg = string(c, "touch-segment", path);
        Segment segment = Segment.ALL.stream().filter(x -> x.name().toLowerCase().equals(seg)).findFirst()
            .orElseThrow(() -> new BadInputException(path + ".touch-segment = " + seg + ": must be one of "
                + Segment.ALL.stream().map(x -> x.name().toLowerCase()).toList()));
        int page = intIn(c, "page", 0, 1 << 20, path);
        boolean write = c.hasPath("write") ? bool(c, "write", path) : !segment.fileBacked();
        if (!write && !segment.fileBacked()) {
          throw new BadInputException(path + ".write = false: a load from untouched anonymous memory maps the zero "
              + "page, which the model does not have; store to " + seg);
        }
        return new TouchSegment(segment, page, write);
      }
      case "op" -> {
        known(c, path, Set.of("op", "steps"));
        String name = string(c, "op", path);
        if (!name.matches("[a-z][a-z0-9_-]*")) {
          throw new BadInputException(path + ".op = " + name + ": lower-case letters, digits, '_' and '-' (it names "
              + "the op in metrics.json)");
        }
        List<Step> body = steps(c, "steps", path + ".steps", names);
        if (body.isEmpty()) {
          throw new BadInputException(path + ".steps = []: an op needs at least one step");
        }
        if (containsMarker(body)) {
          throw new BadInputException(path + ".steps: an op marker inside op " + name + "; ops do not nest");
        }
        return new Marker(name, body);
      }
      case "repeat" -> {
        known(c, path, Set.of("repeat", "steps"));
        int times = intIn(c, "repeat", 0, Integer.MAX_VALUE, path);
        List<Step> body = steps(c, "steps", path + ".steps", names);
        if (body.isEmpty()) {
          throw new BadInputException(path + ".steps = []: a repeat needs at least one step");
        }
        if (times == 0 && !advances(body, names)) {
          throw new BadInputException(path + ".steps: repeated until the end (repeat = 0), every pass must advance "
              + "simulated time on every path");
        }
        return new Repeat(times, body);
      }
      default -> {
        known(c, path, Set.of("choice"));
        ConfigList branches = list(c, "choice", path);
        if (branches.isEmpty()) {
          throw new BadInputException(path + ".choice = []: needs at least one branch { weight, steps }");
        }
        double[] weights = new double[branches.size()];
        List<List<Step>> bodies = new ArrayList<>();
        for (int b = 0; b < branches.size(); b++) {
          String bp = path + ".choice[" + b + "]";
          Config branch = object(branches.get(b), bp);
          known(branch, bp, Set.of("weight", "steps"));
          try {
            weights[b] = branch.getDouble("weight");
          } catch (ConfigException e) {
            throw new BadInputException(bp + ".weight: must be a number above 0");
          }
          if (!(weights[b] > 0) || Double.isInfinite(weights[b])) {
            throw new BadInputException(bp + ".weight = " + weights[b] + ": must be a number above 0");
          }
          bodies.add(steps(branch, "steps", bp + ".steps", names));
        }
        return new Choice(weights, bodies);
      }
    }
  }

  /** Whether some step of {@code steps}, at any depth, mmaps mapping {@code m}. */
  private static boolean mmaps(List<Step> steps, int m) {
    return any(steps, s -> s instanceof Mmap x && x.mapping() == m);
  }

  /** A step's {@code pages}: 1..the mapping's pages, or -1 for {@code all} (and when left out). */
  private static int pagesOrAll(Config c, Mapping map, String path) {
    if (!c.hasPath("pages") || c.getValue("pages").unwrapped() instanceof String all && all.equals("all")) {
      return -1;
    }
    return intIn(c, "pages", 1, map.pages(), path);
  }

  /** A mutex word's {@code per}: the process's page (the default) or the thread's own. */
  private static boolean perThread(Config c, String path) {
    String per = c.hasPath("per") ? string(c, "per", path) : "process";
    if (!per.equals("process") && !per.equals("thread")) {
      throw new BadInputException(path + ".per = " + per + ": must be process (shared by the process's threads) "
          + "| thread (each thread's own)");
    }
    return per.equals("thread");
  }

  /** Whether every path through {@code steps} takes simulated time. */
  private static boolean advances(List<Step> steps, Names names) {
    for (Step s : steps) {
      if (advances(s, names)) {
        return true;
      }
    }
    return false;
  }

  private static boolean advances(Step s, Names names) {
    if (s instanceof Compute c) {
      return c.ns() > 0;
    } else if (s instanceof Syscall) {
      return names.syscall();
    } else if (s instanceof SchedYield) {
      return names.yield();
    } else if (s instanceof PipeWrite || s instanceof PipeRead) {
      return names.syscall();
    } else if (s instanceof Marker m) {
      return advances(m.body(), names);
    } else if (s instanceof Repeat r) {
      return advances(r.body(), names);
    } else if (s instanceof Choice c) {
      return c.branches().stream().allMatch(b -> advances(b, names));
    }
    return true; // sleep, touch, mmap, munmap, madvise, token, mutex, umtx: each sends or waits
  }

  private static void markers(List<Step> steps, Set<String> out) {
    for (Step s : steps) {
      if (s instanceof Marker m) {
        out.add(m.name());
      } else if (s instanceof Repeat r) {
        markers(r.body(), out);
      } else if (s instanceof Fork f) {
        markers(f.body(), out);
      } else if (s instanceof Choice c) {
        c.branches().forEach(b -> markers(b, out));
      }
    }
  }

  private static boolean containsMarker(List<Step> steps) {
    Set<String> found = new LinkedHashSet<>();
    markers(steps, found);
    return !found.isEmpty();
  }

  /**
   * Walks the steps in program order (a repeat's body, and the program's when it repeats, twice;
   * every branch of a choice) and checks each mapping's state: an munmap needs a touch of its
   * mapping since the last munmap, or an mmap; a mapping that some step mmaps starts unmapped, is
   * mmapped only while unmapped and touched, madvised and unmapped only while mapped.
   */
  private static final class MapStates {
    private final List<Step> steps;
    private final List<Mapping> mappings;
    /** Mappings that some step mmaps. */
    private final boolean[] explicit;
    private boolean[] touched;
    /** Per mapping: 1 mapped, 0 unmapped, -1 mapped on some paths here and not on others. */
    private int[] mapped;

    MapStates(List<Step> steps, List<Mapping> mappings) {
      this.steps = steps;
      this.mappings = mappings;
      this.explicit = new boolean[mappings.size()];
      for (int m = 0; m < explicit.length; m++) {
        explicit[m] = mmaps(steps, m);
      }
      this.touched = new boolean[mappings.size()];
      this.mapped = new int[mappings.size()];
      for (int m = 0; m < mapped.length; m++) {
        mapped[m] = explicit[m] ? 0 : 1;
      }
    }

    void check(int repeat) {
      walk(steps, K + "steps");
      if (repeat != 1) {
        walk(steps, K + "steps");
      }
    }

    private void walk(List<Step> steps, String path) {
      for (int i = 0; i < steps.size(); i++) {
        String at = path + "[" + i + "]";
        Step s = steps.get(i);
        if (s instanceof Touch t) {
          need(t.mapping(), 1, at + ".touch");
          if (mmappedFile(t.mapping())) {
            throw new BadInputException(at + ".touch = " + name(t.mapping()) + ": a private-file mapping that a "
                + "step mmaps is not touched in the model (its munmap would tear down the shadow that the first "
                + "store makes, which is not modelled); touch a private-file mapping no step mmaps");
          }
          touched[t.mapping()] = true;
        } else if (s instanceof Madvise a) {
          need(a.mapping(), 1, at + ".madvise");
          if (mmappedFile(a.mapping())) {
            throw new BadInputException(at + ".madvise = " + name(a.mapping()) + ": a private-file mapping that a "
                + "step mmaps maps the file's object until a store, which the model does not advise; madvise a "
                + "private-file mapping no step mmaps");
          }
        } else if (s instanceof Mmap x) {
          need(x.mapping(), 0, at + ".mmap");
          mapped[x.mapping()] = 1;
          touched[x.mapping()] = false;
        } else if (s instanceof Munmap m) {
          need(m.mapping(), 1, at + ".munmap");
          if (!touched[m.mapping()] && !explicit[m.mapping()]) {
            throw new BadInputException(at + ".munmap = " + name(m.mapping())
                + ": unmaps nothing (no touch of it before, since the last munmap)");
          }
          touched[m.mapping()] = false;
          mapped[m.mapping()] = explicit[m.mapping()] ? 0 : 1;
        } else if (s instanceof Marker m) {
          walk(m.body(), at + ".steps");
        } else if (s instanceof Repeat r) {
          walk(r.body(), at + ".steps");
          if (r.times() != 1) {
            walk(r.body(), at + ".steps");
          }
        } else if (s instanceof Choice c) {
          boolean[] touchedAfter = touched.clone();
          int[] mappedAfter = null;
          boolean[] before = touched;
          int[] mappedBefore = mapped;
          for (int b = 0; b < c.branches().size(); b++) {
            touched = before.clone();
            mapped = mappedBefore.clone();
            walk(c.branches().get(b), at + ".choice[" + b + "].steps");
            for (int m = 0; m < touched.length; m++) {
              touchedAfter[m] |= touched[m];
            }
            if (mappedAfter == null) {
              mappedAfter = mapped.clone();
            } else {
              for (int m = 0; m < mapped.length; m++) {
                mappedAfter[m] = mappedAfter[m] == mapped[m] ? mapped[m] : -1;
              }
            }
          }
          touched = touchedAfter;
          mapped = mappedAfter == null ? mappedBefore : mappedAfter;
        }
      }
    }

    /** Refuses the step at {@code at} unless mapping {@code m} is mapped ({@code want} 1) or unmapped (0) there. */
    private void need(int m, int want, String at) {
      if (mapped[m] == want) {
        return;
      }
      throw new BadInputException(at + " = " + name(m) + ": " + (mapped[m] < 0
          ? "is mapped on some paths to here and not on others"
          : want == 1 ? "is not mapped here (no mmap of it before, since its last munmap)"
              : "is mapped already (no munmap of it since its last mmap)"));
    }

    private String name(int m) {
      return mappings.get(m).name();
    }

    /** Whether mapping {@code m} is a private file mapping that some step mmaps. */
    private boolean mmappedFile(int m) {
      return explicit[m] && mappings.get(m).kind() == MapKind.PRIVATE_FILE;
    }
  }

  /**
   * Whether a CPU may send a message the instant one of these steps starts (a token's or a
   * mutex's, or a madvise's kernel steps): the fault storm's steps (computation, faults, unmaps,
   * sleeps) never do, which lets
   * the actor engine look further ahead.
   */
  private static boolean sendsAtOnce(List<Step> steps) {
    return uses(steps, Token.class) || uses(steps, Mutex.class) || uses(steps, Umtx.class) || uses(steps, Madvise.class)
        || uses(steps, Mmap.class) || uses(steps, SchedYield.class) || uses(steps, Brk.class)
        || uses(steps, PipeWrite.class) || uses(steps, PipeRead.class)
        || usesProcesses(steps);
  }

  /** Whether any mutex or umtx step, at any depth, uses each thread's own page ({@code perThread}) or the process's. */
  private static boolean usesMutexes(List<Step> steps, boolean perThread) {
    return any(steps, s -> s instanceof Mutex m && m.perThread() == perThread
        || s instanceof Umtx u && u.perThread() == perThread);
  }

  /** Whether any step of {@code steps}, at any depth, is a {@code kind}. */
  private static boolean uses(List<Step> steps, Class<? extends Step> kind) {
    return any(steps, kind::isInstance);
  }

  /** Whether any step of {@code steps}, at any depth (ops, repeats, branches, forked children), is {@code match}. */
  private static boolean any(List<Step> steps, java.util.function.Predicate<Step> match) {
    for (Step s : steps) {
      if (match.test(s)
          || s instanceof Marker m && any(m.body(), match)
          || s instanceof Repeat r && any(r.body(), match)
          || s instanceof Fork f && any(f.body(), match)
          || s instanceof Choice c && c.branches().stream().anyMatch(b -> any(b, match))) {
        return true;
      }
    }
    return false;
  }

  /** {@code workload.program.bind}: a CPU per thread, or [] for the placement's round-robin. */
  private static int[] bind(Settings s, Topology topo, Placement place) {
    List<Integer> bind = s.intList(K + "bind", 0, topo.cpus() - 1);
    if (bind.isEmpty()) {
      return place.cpuOfEach();
    }
    int[] out = new int[place.totalThreads()];
    if (bind.size() != out.length) {
      throw new BadInputException(K + "bind = " + bind + ": one CPU per thread, " + out.length
          + " in all (workload.processes x workload.threads), or [] to place them round-robin");
    }
    for (int tid = 0; tid < out.length; tid++) {
      out[tid] = bind.get(tid);
    }
    return out;
  }

  // Typed reads of one element, each failing with the element's path.

  private static ConfigList list(Config c, String path) {
    return list(c, path, path);
  }

  private static ConfigList list(Config c, String key, String path) {
    try {
      return c.getList(key);
    } catch (ConfigException.Missing e) {
      throw new BadInputException(path + ": missing (a list)");
    } catch (ConfigException e) {
      throw new BadInputException(path + ": must be a list");
    }
  }

  private static Config object(ConfigValue v, String path) {
    if (v.valueType() != ConfigValueType.OBJECT) {
      throw new BadInputException(path + ": must be an object, not a " + v.valueType().name().toLowerCase());
    }
    return ((com.typesafe.config.ConfigObject) v).toConfig();
  }

  private static void known(Config c, String path, Set<String> allowed) {
    for (String k : c.root().keySet()) {
      if (!allowed.contains(k)) {
        throw new BadInputException(path + "." + k + ": unknown field here (allowed: " + String.join(", ", allowed) + ")");
      }
    }
  }

  private static String string(Config c, String key, String path) {
    try {
      ConfigValue v = c.getValue(key);
      if (v.valueType() != ConfigValueType.STRING) {
        throw new BadInputException(path + "." + key + ": must be a string");
      }
      return c.getString(key);
    } catch (ConfigException.Missing e) {
      throw new BadInputException(path + "." + key + ": missing");
    }
  }

  private static boolean bool(Config c, String key, String path) {
    try {
      return c.getBoolean(key);
    } catch (ConfigException e) {
      throw new BadInputException(path + "." + key + ": must be true or false");
    }
  }

  private static int intIn(Config c, String key, int min, int max, String path) {
    long v;
    try {
      v = c.getLong(key);
    } catch (ConfigException.Missing e) {
      throw new BadInputException(path + "." + key + ": missing (an integer in " + min + ".." + max + ")");
    } catch (ConfigException e) {
      throw new BadInputException(path + "." + key + ": must be an integer in " + min + ".." + max);
    }
    if (v < min || v > max) {
      throw new BadInputException(path + "." + key + " = " + v + ": must be in " + min + ".." + max);
    }
    return (int) v;
  }

  private static long duration(Config c, String key, String path) {
    try {
      return c.getDuration(key).toNanos();
    } catch (ConfigException e) {
      throw new BadInputException(path + "." + key + ": must be a duration such as 2us or 1ms");
    }
  }

  private static int mapping(Config c, String key, String path, List<Mapping> mappings) {
    String name = string(c, key, path);
    for (int m = 0; m < mappings.size(); m++) {
      if (mappings.get(m).name().equals(name)) {
        return m;
      }
    }
    throw new BadInputException(path + "." + key + " = " + name + ": no such mapping (workload.program.mappings: "
        + mappings.stream().map(Mapping::name).toList() + ")");
  }
}
