package dfsim.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad configuration and command-line input: exit 2, exactly one line on stderr naming the key
 * (or file, or option) and what is allowed, no stack trace, and no output directory.
 */
final class BadInputTest {
  @TempDir
  Path tmp;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "topology.sockets=0                | topology.sockets",
      "topology.sockets=two              | topology.sockets",
      "topology.cores-per-socket=5000    | topology.cores-per-socket",
      "topology.dies-per-socket=3        | topology.cores-per-socket",
      "topology.memoryless-dies=[0,1]    | topology.memoryless-dies",
      "topology.memoryless-dies=[9]      | topology.memoryless-dies",
      "latency.same-die=5ns              | latency.same-die",
      "latency.cross-socket=150          | latency.cross-socket",
      "cost.page-zero=-1ns               | cost.page-zero",
      "cost.trap=fast                    | cost.trap",
      "sim.end-time=0ms                  | sim.end-time",
      "sim.warmup=60ms                   | sim.warmup",
      "sim.lookahead=0ns                 | sim.lookahead",
      "kernel.hz=0                       | kernel.hz",
      "metrics.sample-interval=1ns       | metrics.sample-interval",
      "workload.kind=nope                | workload.kind",
      "workload.threads=0                | workload.threads",
      "workload.cpus=[99]                | workload.cpus",
      "workload.fault-storm.object=both  | workload.fault-storm.object",
      "workload.fault-storm.pages-per-pass=1000000 | workload.fault-storm.pages-per-pass",
      "workload.fault-storm.colour=red   | workload.fault-storm.colour",
      "no-such.key=1                     | no-such.key",
      "topology=3                        | topology",
      "sim.end-time                      | sim.end-time",
      "sim.end-time=null                 | sim.end-time",
      "kernel.lwkt.scheduler=null        | kernel.lwkt.scheduler",
      "workload.threads=1.5              | workload.threads",
      "workload.processes=65536          | workload.processes",
      "topology.memory-per-node=1T       | topology.memory-per-node",
      "kernel.lwkt.scheduler=fast        | kernel.lwkt.scheduler",
      "kernel.zone.pcpu-cache=maybe      | kernel.zone.pcpu-cache",
      "kernel.usched=ule                 | kernel.usched = ule: must be one of bsd4",
      "kernel.brk=sbrk                   | kernel.brk = sbrk: must be one of coalesce",
      "kernel.fd.holdfp=cached           | kernel.fd.holdfp = cached: must be one of exclusive",
      "pekko.actor.default-dispatcher.executor=affinity-pool-executor | pekko.actor.default-dispatcher.executor: the actor engine sets its dispatcher itself",
      "workload.processes=9000           | workload.processes = 9000: must be at most 8192",
      "kernel.pipe.knote=kq              | kernel.pipe.knote = kq: must be one of kq-token",
      "kernel.pipe.delay=4               | kernel.pipe.delay",
      "kernel.pmap.switch-pm-active=never | kernel.pmap.switch-pm-active = never: must be one of same-vmspace",
      "metrics.profile=maybe             | metrics.profile",
      "metrics.trace=2ms..1ms            | metrics.trace = 2ms..1ms: must be FROM..TO",
      "metrics.trace=1ms                 | metrics.trace = 1ms: must be FROM..TO",
      "metrics.trace=1ms..2s             | metrics.trace = 1ms..2s: must be FROM..TO, two durations with FROM < TO <= sim.end-time",
      "metrics.trace=soon..later         | metrics.trace = soon..later",
  })
  void badOverride(String override, String named) {
    expectBad(named, "run", "--out", tmp.resolve("o").toString(), "-D", override.trim(), "../conf/default.conf");
  }

  @Test
  void unknownKeyInAFileIncludingTheDefault() throws IOException {
    Path f = tmp.resolve("u.conf");
    Files.writeString(f, "include file(\"" + Path.of("../conf/default.conf").toAbsolutePath() + "\")\nno-such.key = 1\n");
    expectBad("no-such.key", "run", "--out", tmp.resolve("o").toString(), f.toString());
  }

  @Test
  void missingAndUnparsableFiles() throws IOException {
    expectBad("nonexistent", "run", "--out", tmp.resolve("o").toString(), "/nonexistent/x.conf");
    Path p = tmp.resolve("p.conf");
    Files.writeString(p, "topology { sockets = [\n");
    expectBad("p.conf", "run", "--out", tmp.resolve("o").toString(), p.toString());
  }

  @Test
  void badCommandLine() {
    expectBad("--bogus", "run", "--bogus");
    expectBad("--seed", "run", "--seed", "abc");
    expectBad("--engine", "run", "--engine", "warp", "--out", tmp.resolve("o").toString());
    expectBad("--threads", "run", "--threads", "0", "--out", tmp.resolve("o").toString());
    expectBad("a command", new String[0]);
    // A node refuses the engine's dispatcher before it looks for the seed.
    expectBad("pekko.actor.default-dispatcher.throughput: the actor engine sets its dispatcher itself", "node",
        "--seed", "127.0.0.1:1", "-D", "pekko.actor.default-dispatcher.throughput=5");
  }

  @Test
  void partnerProcessesCountAgainstTheProcessLimit() {
    // 5,000 tasks and their 5,000 forked partners: more processes than maps have ids.
    expectBad("with partner-as = process each task's partner is a process too, 10000 in all; at most 8192", "run",
        "--out", tmp.resolve("o").toString(), "-D", "workload.processes=5000", "-D", "workload.threads=1", "-D",
        "workload.program.partner-as=process", "../conf/workloads/will-it-scale/context_switch1.conf");
  }


  @Test
  void aListValueIsNamedOnOneLine() {
    expectBad("workload.alloc-pressure.drain = [1,1]: must be", "run", "--out", tmp.resolve("o").toString(),
        "-D", "workload.kind=alloc-pressure", "-D", "workload.alloc-pressure.drain=[1.0,1.0]", "../conf/default.conf");
  }

  @Test
  void badConfigFiles() throws IOException {
    Path o = tmp.resolve("o");
    expectBad("is a directory", "run", "--out", o.toString(), tmp.toString());
    Path inc = tmp.resolve("inc.conf");
    Files.writeString(inc, "include \"missing.conf\"\nsim.end-time = 1ms\n");
    expectBad("include \"missing.conf\": no such file", "run", "--out", o.toString(), inc.toString());
    Path req = tmp.resolve("req.conf");
    Files.writeString(req, "include required(\"missing.conf\")\n");
    expectBad("include \"missing.conf\": no such file", "run", "--out", o.toString(), req.toString());
    Path brace = tmp.resolve("brace.conf");
    Files.writeString(brace, "sim {\n  end-time = 1ms\n");
    expectBad("a '}' or ']' is missing", "run", "--out", o.toString(), brace.toString());
    expectBad("an experiment's key", "run", "--out", o.toString(), "../conf/experiments/umtx.conf");
    expectBad("experiment.seeds", "run", "--out", o.toString(), "-D", "experiment.seeds=[1,2]", "../conf/default.conf");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "variants { \"a/b\" { kernel.lwkt.token-spin = 1 } }                  | variants.\"a/b\"",
      "variants { \"..\" { kernel.lwkt.token-spin = 1 } }                   | variants.\"..\"",
      "variants { a { kernel.lwkt.token-spin = 1 } }, sweep { kernel.lwkt.token-spin = [2, 3] } | variants.a.kernel.lwkt.token-spin",
      "experiment.seeds = [1, 2, 1]                                        | experiment.seeds",
      "sweep { kernel.lwkt.token-spin = [2, 2] }                           | sweep.kernel.lwkt.token-spin",
      "sweep { kernel.lwkt.token-spin = [2, \"2\"] }                         | would share the run directory",
  })
  void badExperimentFiles(String body, String named) throws IOException {
    Path f = overDefault("x.conf", body.replace("}, sweep", "}\nsweep"));
    expectBad(named.trim(), "experiment", "--out", tmp.resolve("o").toString(), f.toString());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "steps = [{ jump = 1 }]                                   | workload.program.steps[0]: no operation",
      "steps = [{ sleep = 1us, foo = 1 }]                       | workload.program.steps[0].foo: unknown field",
      "steps = [{ compute = fast }]                             | workload.program.steps[0].compute: must be a duration",
      "steps = [{ touch = heap }]                               | workload.program.steps[0].touch = heap: no such mapping",
      "steps = [{ touch = mem, pages = 5 }]                     | workload.program.steps[0].pages = 5: must be in 1..4",
      "steps = [{ repeat = 2, steps = [{ touch = mem, pages = 9 }] }] | workload.program.steps[0].steps[0].pages = 9",
      "steps = [{ munmap = mem }, { touch = mem }]              | workload.program.steps[0].munmap = mem: unmaps nothing",
      "steps = [{ touch = mem }, { mmap = mem }]                | workload.program.steps[0].touch = mem: is not mapped here (no mmap of it before",
      "steps = [{ mmap = mem }, { mmap = mem }]                 | workload.program.steps[1].mmap = mem: is mapped already",
      "steps = [{ mmap = mem }, { touch = mem }]                | workload.program.steps[0].mmap = mem: is mapped already (no munmap of it since its last mmap)",
      "steps = [{ repeat = 2, steps = [{ mmap = mem }, { touch = mem }] }, { munmap = mem }] | workload.program.steps[0].steps[0].mmap = mem: is mapped already",
      "steps = [{ mmap = mem }, { choice = [{ weight = 1, steps = [{ munmap = mem }] }, { weight = 1, steps = [{ sleep = 1us }] }] }, { munmap = mem }] | workload.program.steps[2].munmap = mem: is mapped on some paths to here and not on others",
      "steps = [{ mmap = mem }, { munmap = mem }, { madvise = mem }] | workload.program.steps[2].madvise = mem: is not mapped here",
      "steps = [{ mmap = f }], mappings = [{ name = f, kind = file, pages = 4 }] | workload.program.steps[0].mmap = f: the model maps anew only per = thread mappings of anonymous memory or of the thread's own file",
      "steps = [{ mmap = m }], mappings = [{ name = m, pages = 4, per = slice }] | workload.program.steps[0].mmap = m: the model maps anew only per = thread mappings",
      "steps = [{ mmap = f }, { touch = f }, { munmap = f }], mappings = [{ name = f, kind = private-file, pages = 4 }] | workload.program.steps[1].touch = f: a private-file mapping that a step mmaps is not touched in the model",
      "steps = [{ mmap = f }, { madvise = f }, { munmap = f }], mappings = [{ name = f, kind = private-file, pages = 4 }] | workload.program.steps[1].madvise = f: a private-file mapping that a step mmaps",
      "steps = [{ syscall = yield }]                            | sched_yield (nothing else runnable",
      "steps = [{ pipe-write = a }], pipes = [a]               | workload.program.pipes = [a]: pipes join each task and its partner",
      "steps = [{ sleep = 1us }], partner = [{ compute = 1us }] | workload.program.partner: a partner talks to its task through pipes",
      "steps = [{ pipe-write = b }], pipes = [a], partner = [{ pipe-read = a }] | workload.program.steps[0].pipe-write = b: no such pipe; pipes: [a]",
      "steps = [{ pipe-write = a }], pipes = [a], partner = [{ touch = mem }] | workload.program.partner[0]: a partner's steps are compute",
      "steps = [{ pipe-write = a }], pipes = [a, a], partner = [{ pipe-read = a }] | workload.program.pipes[1] = a: a pipe of that name exists already",
      "steps = [{ pipe-write = a }, { syscall = sched_yield }], pipes = [a], partner = [{ pipe-read = a }] | sched_yield is modelled with nothing else runnable on the CPU",
      "steps = [{ pipe-write = a }], pipes = [a], partner = [{ pipe-read = a }], partner-as = fork | workload.program.partner-as = fork: must be thread",
      "steps = [{ pipe-write = a }, { pipe-read = a }], pipes = [a], partner = [{ pipe-read = a }] | workload.program.pipes[0] = a: one side writes a pipe and the other reads it",
      "steps = [{ pipe-write = a }], pipes = [a], partner = [{ compute = 1us }] | workload.program.pipes[0] = a: one side writes",
      "steps = [{ brk = 0 }]                                    | workload.program.steps[0].brk = 0: must be in 1..1048576",
      "steps = [{ brk = 1, pages = 2 }]                         | workload.program.steps[0].pages: unknown field here",
      "steps = [{ exec = a }, { brk = 1 }], images = [{ name = a, pages = { text = 1 } }] | a program with exec or fork steps has no mappings, mutexes, umtx or brk steps, nor pipes",
      "steps = [{ compute = 0us }]                              | every pass must advance simulated time",
      "steps = [{ choice = [{ weight = 1, steps = [{ sleep = 1us }] }, { weight = 1, steps = [] }] }] | every pass must advance",
      "steps = [{ op = a, steps = [{ sleep = 1us }] }], op = b  | workload.program.op = b: must name an op marker",
      "steps = [{ sleep = 1us }], bind = [0]                    | workload.program.bind = [0]: one CPU per thread, 2",
      "steps = [{ touch = mem, write = false }]                 | workload.program.steps[0].write = false",
      "steps = []                                               | workload.program.steps = []",
      "steps = [{ syscall = fork }]                             | workload.program.steps[0].syscall = fork: must be getppid",
      "steps = [{ syscall = yield }]                            | workload.program.steps[0].syscall = yield: must be getppid",
      "steps = [{ mutex = 1024 }]                               | workload.program.steps[0].mutex = 1024: must be in 0..1023",
      "steps = [{ mutex = 0, per = slice }]                     | workload.program.steps[0].per = slice: must be process",
      "steps = [{ mutex = any }]                                | workload.program.steps[0].mutex = any: needs mutexes = N",
      "steps = [{ mutex = 2, mutexes = 4 }]                     | workload.program.steps[0].mutexes: only with mutex = any",
      "steps = [{ mutex = 0, hold = 1us, hold-mean = 1us }]     | workload.program.steps[0]: hold and hold-mean; give one",
      "steps = [{ umtx = wait }]                                | workload.program.steps[0].umtx = wait: must be sleep",
      "steps = [{ umtx = sleep, word = -1 }]                    | workload.program.steps[0].word = -1: must be in 0..1023",
      "steps = [{ sleep = 1us }], mappings = [{ name = f, kind = tmpfs, pages = 4 }] | workload.program.mappings[0].kind = tmpfs: must be anonymous | file (MAP_SHARED) | private-file",
      "steps = [{ sleep = 1us }], mappings = [{ name = f, kind = private-file, pages = 4, per = process }] | workload.program.mappings[0].per = process: a private-file mapping shared",
      "steps = [{ touch = f, write = false }], mappings = [{ name = f, kind = private-file, pages = 4 }] | workload.program.steps[0].write = false: mapping f is a private-file mapping",
      "steps = [{ madvise = mem, advice = free }]               | workload.program.steps[0].advice = free: must be dontneed",
      "steps = [{ madvise = mem, pages = 5 }]                   | workload.program.steps[0].pages = 5: must be in 1..4",
      "steps = [{ madvise = heap }]                             | workload.program.steps[0].madvise = heap: no such mapping",
      "steps = [{ madvise = m }], mappings = [{ name = m, pages = 4, per = process }] | workload.program.steps[0].madvise = m: the mapping is shared by the process's threads",
      "steps = [{ sleep = 1us }], mappings = [{ name = f, kind = file, pages = 100000, per = process }] | workload.program.mappings[0].pages = 100000: the files homed on node 0 need more than its 65536 pages of page cache",
  })
  void badPrograms(String program, String named) throws IOException {
    Path f = overDefault("program.conf", "workload { kind = program, threads = 2, program {\n"
        + "mappings = [{ name = mem, kind = anonymous, pages = 4 }]\n" + program.replace(", op =", "\nop =")
            .replace(", bind =", "\nbind =").replace(", mappings =", "\nmappings =").replace(", pipes =", "\npipes =")
            .replace(", partner =", "\npartner =").replace(", partner-as =", "\npartner-as =") + "\n} }");
    expectBad(named.trim(), "run", "--out", tmp.resolve("o").toString(), f.toString());
  }

  /**
   * A program repeated until the end whose only step costs nothing with the run's costs: a
   * getppid with cost.syscall = 0, a sched_yield that also has no atomics and writes nothing on
   * node 0 (dfly-pcpu-mask). With a cost above 0, or an era whose yield goes to node 0, it runs.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "getppid     | cost.syscall = 0ns                                                       | true",
      "getppid     | cost.syscall = 1ns                                                       | false",
      "sched_yield | cost { syscall = 0ns, atomic = 0ns }, kernel.usched = dfly-pcpu-mask      | true",
      "sched_yield | cost { syscall = 0ns, atomic = 0ns }, kernel.usched = dfly               | false",
      "sched_yield | cost { syscall = 0ns, atomic = 1ns }, kernel.usched = dfly-pcpu-mask      | false"})
  void aProgramOfStepsThatCostNothingNeverAdvances(String call, String costs, boolean refused) throws IOException {
    Path f = overDefault("free.conf", costs.replace(", kernel", "\nkernel") + "\nsim.end-time = 20us\n"
        + "workload { kind = program, threads = 2, program.steps = [{ syscall = " + call + " }] }");
    if (refused) {
      expectBad("workload.program.steps: repeated until the end", "run", "--out", tmp.resolve("o").toString(),
          f.toString());
    } else {
      Cli r = Cli.run("run", "--quiet", "--out", tmp.resolve("o").toString(), f.toString());
      assertEquals(0, r.exit(), r.err());
    }
  }

  /** Programs that exec and fork: one thread a process, image sh of 4 text, 2 data and 1 bss pages. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "1 | [{ touch-segment = text, page = 0 }, { exec = sh }] | workload.program.steps[0].touch-segment = text: no image is running here",
      "1 | [{ exec = sh }, { touch-segment = text, page = 4 }] | workload.program.steps[1].page = 4: must be in 0..3 (segment text of image sh)",
      "1 | [{ exec = sh }, { touch-segment = data, page = 1 }, { touch-segment = data, page = 1, write = true }] | workload.program.steps[2].write = true: page 1 of data was read since the exec",
      "1 | [{ exec = sh }, { fork = [{ touch-segment = bss, page = 0 }] }] | workload.program.steps[1].fork[0].write = true: the image is shared copy-on-write",
      "1 | [{ exec = sh }, { fork = [{ exec = sh }, { fork = [{ exec = sh }] }] }] | workload.program.steps[1].fork[1].fork: a fork inside a forked child",
      "1 | [{ exec = csh }] | workload.program.steps[0].exec = csh: no such image; images: [sh]",
      "1 | [{ exec = sh }, { touch-segment = brk, page = 0 }] | workload.program.steps[1].touch-segment = brk: must be one of [header, text",
      "1 | [{ exec = sh }, { touch-segment = bss, page = 0, write = false }] | workload.program.steps[1].write = false: a load from untouched anonymous memory",
      "1 | [{ exec = sh }, { fork = [] }] | workload.program.steps[1].fork = []: the child needs at least one step",
      "1 | [{ exec = sh }, { mutex = 0 }] | workload.program.steps: a program with exec or fork steps has no mappings, mutexes, umtx or brk steps, nor pipes",
      "1 | [{ sleep = 1us }, { touch-segment = text, page = 0 }] | workload.program.steps: touch-segment touches the image an exec step maps",
      "1 | [{ exec = sh }, { repeat = 0, steps = [{ compute = 0us }] }] | workload.program.steps[1].steps: repeated until the end (repeat = 0), every pass must advance",
      "2 | [{ exec = sh }, { compute = 1us }] | workload.threads = 2: a program with exec or fork steps runs single-threaded processes",
  })
  void badProcessPrograms(int threads, String steps, String named) throws IOException {
    Path f = overDefault("fork.conf", "workload { kind = program, threads = " + threads + ", program {\n"
        + "images = [{ name = sh, pages { text = 4, data = 2, bss = 1 } }]\nsteps = " + steps + "\n} }");
    expectBad(named.trim(), "run", "--out", tmp.resolve("o").toString(), f.toString());
  }

  @Test
  void badOutputDirectoriesAndOptions() throws IOException {
    expectBad("--out \"\"", "run", "--out", "", "-D", "sim.end-time=1ms");
    // Checked before anything runs, for every command that writes.
    expectBad("--out /proc/dfsim-x: cannot create or write it", "run", "--out", "/proc/dfsim-x", "-D", "sim.end-time=1ms");
    expectBad("--out /proc/dfsim-x: cannot create or write it", "experiment", "--out", "/proc/dfsim-x",
        "-D", "sim.end-time=1ms", "../conf/experiments/umtx.conf");
    expectBad("--out /proc/dfsim-x: cannot create or write it", "bench", "--quick", "--out", "/proc/dfsim-x");
    expectBad("--threads 100000: must be 1..1024", "run", "--threads", "100000", "--out", tmp.resolve("o").toString());
    expectBad("a command is required: run | experiment", new String[0]);
    expectBad("CONFIG", "experiment", "--out", tmp.resolve("o").toString());
    expectBad("--resume", "experiment", "--resume", tmp.resolve("nothing").toString());
    // A directory holding something other than a dfsim run is not written into.
    Path other = tmp.resolve("o");
    Files.createDirectories(other);
    Files.writeString(other.resolve("notes.txt"), "mine");
    Cli r = Cli.run("run", "--out", other.toString(), "-D", "sim.end-time=1ms");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("holds no dfsim config.conf; use --force"), r.err());
    assertEquals(List.of(other.resolve("notes.txt")), Files.list(other).toList());
  }

  @Test
  void unwritableOutputDirectory() throws IOException {
    Path file = tmp.resolve("file");
    Files.writeString(file, "x");
    expectBad("--out", "run", "-D", "sim.end-time=3ms", "--out", file.resolve("sub").toString());
  }

  /** Writes {@code name} under the test's directory: the default config included, then {@code body}. */
  private Path overDefault(String name, String body) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, "include \"" + Path.of("../conf/default.conf").toAbsolutePath() + "\"\n" + body + "\n");
    return f;
  }

  private void expectBad(String named, String... args) {
    Cli r = Cli.run(args);
    assertEquals(2, r.exit(), "exit code; stderr: " + r.err());
    List<String> lines = new ArrayList<>(r.err().strip().lines().toList());
    assertEquals(1, lines.size(), "one line: " + r.err());
    assertTrue(lines.get(0).contains(named), lines.get(0) + " should name " + named);
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    assertFalse(Files.exists(tmp.resolve("o")), "nothing written");
  }
}
