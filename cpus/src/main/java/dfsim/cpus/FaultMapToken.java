package dfsim.cpus;

import dfsim.core.config.VmFaultSettings;
import dfsim.core.protocol.ObjectTokenRelease;
import dfsim.core.protocol.ObjectTokenRequest;
import dfsim.core.protocol.ObjectTokenRequest.PageBusy;
import dfsim.core.protocol.TokenIntent;
import dfsim.core.sim.LpContext;
import java.util.Deque;

/**
 * {@code kernel.vm-fault.map-token}: whether a page fault and vm_fault_page() hold the process
 * map's {@code map->token} exclusively from start to end (sys/vm/vm_fault.c vm_fault(),
 * vm_fault_page()), as the 2011 and 2013 kernels do; it left the fault path in 73101af2cf
 * (2017-02-05), before the umtx (2017) and pmap (2019) commits. Threads of one process then
 * serialise their faults on it, and with their mmaps and munmaps, which hold it in every era
 * ({@link VmMap}, {@link VmMmap}). See docs/model/vm-fault.md.
 */
sealed interface FaultMapToken {

  static FaultMapToken of(VmFaultSettings fault) {
    return fault.mapToken() ? new HeldWholeFault() : new NotTaken();
  }

  /** Asks for map token {@code map} after {@code afterNs}; returns whether the caller waits for its grant. */
  boolean get(Globaldata gd, int map, long afterNs, LpContext ctx);

  /** Releases map token {@code map}, after {@code afterNs}. */
  void rel(Globaldata gd, int map, long afterNs, LpContext ctx);

  /** Adds the token's acquisition to kernel steps. */
  void addGet(Deque<KStep> steps, int map);

  /** Adds the token's release to kernel steps. */
  void addRel(Deque<KStep> steps, int map);

  /** 2011 and 2013: lwkt_gettoken(&map->token) at the start, lwkt_reltoken() at the end. */
  record HeldWholeFault() implements FaultMapToken {
    @Override
    public boolean get(Globaldata gd, int map, long afterNs, LpContext ctx) {
      gd.sendHome(map, afterNs, new ObjectTokenRequest(map, TokenIntent.HOLD, 0, 0, gd.cpu, false, PageBusy.NONE), ctx);
      return true;
    }

    @Override
    public void rel(Globaldata gd, int map, long afterNs, LpContext ctx) {
      gd.sendHome(map, afterNs, new ObjectTokenRelease(map, -1, -1, gd.cpu, false, 0, false), ctx);
    }

    @Override
    public void addGet(Deque<KStep> steps, int map) {
      steps.add(new KStep.Acquire(map, false, VmMap.GETTOKEN));
    }

    @Override
    public void addRel(Deque<KStep> steps, int map) {
      steps.add(new KStep.Release(map, false));
    }
  }

  /** From 73101af2cf (2017): the vm_map's lockmgr lock, shared, is all a fault takes. */
  record NotTaken() implements FaultMapToken {
    @Override
    public boolean get(Globaldata gd, int map, long afterNs, LpContext ctx) {
      return false;
    }

    @Override
    public void rel(Globaldata gd, int map, long afterNs, LpContext ctx) {}

    @Override
    public void addGet(Deque<KStep> steps, int map) {}

    @Override
    public void addRel(Deque<KStep> steps, int map) {}
  }
}
