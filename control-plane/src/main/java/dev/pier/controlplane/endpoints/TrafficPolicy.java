package dev.pier.controlplane.endpoints;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How an endpoint's requests are split beside its stable version. Every target is a version of the
 * endpoint's model; none gets a request before its placements are ready.
 *
 * @param canaryVersion the version on trial, or null
 * @param canaryWeightBasisPoints its share of the requests, 0–10000 (100 = 1 %)
 * @param stickyHeader with a canary, the request header whose value decides the variant (hashed),
 *     so one caller stays on one variant; null splits request by request
 * @param shadowVersion a version that gets a copy of some requests, its answers recorded and never
 *     returned, or null
 * @param shadowPercent the share of requests copied to the shadow, 0–100
 * @param fallbackVersion the version that answers when the primary fails or times out, or null
 * @param progressive automatic canary steps, or null when the weight is only changed by hand
 */
public record TrafficPolicy(
    Integer canaryVersion,
    int canaryWeightBasisPoints,
    String stickyHeader,
    Integer shadowVersion,
    int shadowPercent,
    Integer fallbackVersion,
    Progressive progressive) {

  public static final TrafficPolicy NONE = new TrafficPolicy(null, 0, null, null, 0, null, null);

  public static final int ALL_BASIS_POINTS = 10_000;

  public TrafficPolicy withCanary(Integer version, int weight, String sticky, Progressive steps) {
    return new TrafficPolicy(
        version, weight, sticky, shadowVersion, shadowPercent, fallbackVersion, steps);
  }

  public TrafficPolicy withWeight(int weight) {
    return new TrafficPolicy(
        canaryVersion,
        weight,
        stickyHeader,
        shadowVersion,
        shadowPercent,
        fallbackVersion,
        progressive);
  }

  public TrafficPolicy withoutCanary() {
    return withCanary(null, 0, null, null);
  }

  public TrafficPolicy withShadow(Integer version, int percent) {
    return new TrafficPolicy(
        canaryVersion,
        canaryWeightBasisPoints,
        stickyHeader,
        version,
        percent,
        fallbackVersion,
        progressive);
  }

  public TrafficPolicy withFallback(Integer version) {
    return new TrafficPolicy(
        canaryVersion,
        canaryWeightBasisPoints,
        stickyHeader,
        shadowVersion,
        shadowPercent,
        version,
        progressive);
  }

  /**
   * Progressive delivery: the canary's weight goes through {@code stepsBasisPoints}, one step per
   * {@code interval}, while its error rate and p99 latency stay within the limits; the last step
   * (10000) promotes it; a breach rolls it back.
   *
   * @param step the index of the current step in {@code stepsBasisPoints}
   * @param stepStartedAt when the current step began
   */
  public record Progressive(
      List<Integer> stepsBasisPoints,
      Duration interval,
      double maxErrorRate,
      Duration maxP99,
      int step,
      Instant stepStartedAt) {

    public Progressive {
      stepsBasisPoints = List.copyOf(stepsBasisPoints);
    }

    public int currentWeight() {
      return stepsBasisPoints.get(step);
    }

    public boolean atLastStep() {
      return step == stepsBasisPoints.size() - 1;
    }

    public Progressive next(Instant now) {
      return new Progressive(stepsBasisPoints, interval, maxErrorRate, maxP99, step + 1, now);
    }
  }
}
