package dev.pier.controlplane.traffic;

import java.util.List;

/**
 * One target's traffic over the sliding window, as it was when taken. Immutable; returned by the
 * REST API as is, so every value that may be undefined is {@code null} rather than NaN (which JSON
 * cannot carry).
 *
 * @param windowSeconds the window's length
 * @param requests requests recorded in the window
 * @param errors those of them that failed
 * @param requestsPerSecond requests over the time the window covers (at least one second)
 * @param errorRate errors / requests, 0 without requests
 * @param p50Nanos median latency in nanoseconds (within 1 %), 0 without requests
 * @param p95Nanos 95th percentile latency in nanoseconds
 * @param p99Nanos 99th percentile latency in nanoseconds
 * @param classCounts predictions per class index (classifiers), empty for regressors
 * @param otherClassCount predictions of class indexes beyond the bounded number counted one by one
 * @param regressionCount regression predictions counted
 * @param regressionMean their mean, null without any
 * @param regressionStddev their sample standard deviation (n - 1), null with fewer than two
 * @param shadowCompared requests whose shadow answer was compared with the primary's
 * @param shadowAgreed those where the predictions were equal
 * @param shadowAgreementRate shadowAgreed / shadowCompared, null without comparisons
 * @param shadowDropped copies for this (shadow) target that the gateway dropped because earlier
 *     ones had not been sent or answered yet
 * @param latencySampleNanos recent latencies in nanoseconds (bounded), for rank tests
 */
public record TargetSnapshot(
    int windowSeconds,
    long requests,
    long errors,
    double requestsPerSecond,
    double errorRate,
    long p50Nanos,
    long p95Nanos,
    long p99Nanos,
    List<Long> classCounts,
    long otherClassCount,
    long regressionCount,
    Double regressionMean,
    Double regressionStddev,
    long shadowCompared,
    long shadowAgreed,
    Double shadowAgreementRate,
    long shadowDropped,
    List<Long> latencySampleNanos) {

  public TargetSnapshot {
    classCounts = List.copyOf(classCounts);
    latencySampleNanos = List.copyOf(latencySampleNanos);
  }

  /** A target nothing was recorded for. */
  public static TargetSnapshot empty(int windowSeconds) {
    return new TargetSnapshot(
        windowSeconds, 0, 0, 0, 0, 0, 0, 0, List.of(), 0, 0, null, null, 0, 0, null, 0, List.of());
  }
}
