/**
 * Live traffic statistics per endpoint and target (stable, canary, shadow, fallback) for rollouts:
 * request and error rates, latency percentiles and the prediction distribution over a sliding
 * window ({@link dev.pier.controlplane.traffic.TrafficStatistics}, {@link
 * dev.pier.controlplane.traffic.TargetStats}), the predictions read from OIP answers ({@link
 * dev.pier.controlplane.traffic.PredictionReader}), and a canary's {@link
 * dev.pier.controlplane.traffic.Comparison} with stable through the tests of {@link
 * dev.pier.controlplane.traffic.Significance}. In memory only, no HTTP: the gateway feeds it, the
 * rollouts read it.
 */
package dev.pier.controlplane.traffic;
