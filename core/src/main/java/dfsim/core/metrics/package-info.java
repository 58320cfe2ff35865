/**
 * Per-CPU metrics accumulated from events (state intervals, counters, latency histograms and
 * time series), lock-class contention, the JSON/CSV views of DESIGN §6 and the result digest.
 */
package dfsim.core.metrics;
