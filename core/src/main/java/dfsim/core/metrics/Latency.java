package dfsim.core.metrics;

/** The latency distributions every CPU keeps (docs/reference.md, Outputs), with their JSON names. */
public enum Latency {
  FAULT("fault_latency_ns"),
  LOCK_WAIT("lock_wait_latency_ns"),
  TOKEN_WAIT("token_wait_latency_ns"),
  UMTX_SLEEP("umtx_sleep_latency_ns");

  private final String json;

  Latency(String json) {
    this.json = json;
  }

  public String json() {
    return json;
  }
}
