package dfsim.core.sim;

/**
 * One thread, one event queue: the reference every other engine is tested against. Events at or
 * after the end time are not delivered.
 */
public final class SequentialEngine implements Engine {

  @Override
  public String name() {
    return "sequential";
  }

  @Override
  public EngineResult run(SimModel model, Progress progress) {
    EventCalendar queue = new EventCalendar();
    LpRuntime[] runtimes = new LpRuntime[model.lps().size()];
    for (LogicalProcess lp : model.lps()) {
      runtimes[lp.id()] = new LpRuntime(lp, model, queue::add);
    }
    for (LpRuntime rt : runtimes) {
      rt.start();
    }
    long end = model.endTimeNs();
    long events = 0;
    long t;
    while ((t = queue.peekTime()) < end) {
      int source = queue.peekSource();
      int target = queue.peekTarget();
      SimMessage m = queue.peekMessage();
      queue.pop();
      runtimes[target].deliver(t, source, m);
      if ((++events & 0xfff) == 0) {
        progress.update(t, events);
      }
    }
    progress.finished(end, events);
    return new EngineResult(events, end, 0);
  }
}
