/**
 * Prometheus metrics of the runtime: requests by outcome, latency (queue, compute, total), batch
 * sizes, in-flight requests, loaded models and model memory, served on the metrics port.
 */
package dev.pier.runtime.metrics;
