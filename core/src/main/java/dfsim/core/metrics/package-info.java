/**
 * Per-CPU metrics accumulated from events (state intervals, counters, latency histograms and
 * time series), lock-class contention, the JSON/CSV views of docs/reference.md and the result digest.
 */
package dfsim.core.metrics;
