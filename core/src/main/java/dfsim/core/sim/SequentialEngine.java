package dfsim.core.sim;

import java.util.ArrayList;
import java.util.List;

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
    EventQueue queue = new EventQueue();
    List<LpRuntime> runtimes = new ArrayList<>(model.lps().size());
    for (LogicalProcess lp : model.lps()) {
      runtimes.add(new LpRuntime(lp, model, queue::add));
    }
    for (LpRuntime rt : runtimes) {
      rt.start();
    }
    long end = model.endTimeNs();
    long events = 0;
    Event e;
    while ((e = queue.peek()) != null && e.time() < end) {
      queue.poll();
      runtimes.get(e.target()).deliver(e);
      if ((++events & 0xfff) == 0) {
        progress.update(e.time(), events);
      }
    }
    progress.finished(end, events);
    return new EngineResult(events, end, 0);
  }
}
