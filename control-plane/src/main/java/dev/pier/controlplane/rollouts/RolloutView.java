package dev.pier.controlplane.rollouts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An endpoint's rollout as the API and the console show it: the stable version, and each target
 * beside it with whether it takes traffic now.
 *
 * @param stableVersion the version the endpoint is meant to serve
 * @param activeVersion the stable version requests go to now (the previous one until a changed
 *     stable version is ready)
 * @param canary the canary, or null
 * @param shadow the shadow, or null
 * @param fallback the fallback, or null
 * @param revision the endpoint's revision, to send back with the next action
 */
public record RolloutView(
    String endpoint,
    String model,
    int stableVersion,
    Integer activeVersion,
    Canary canary,
    Target shadow,
    Target fallback,
    long revision) {

  /** Whether a target takes traffic. */
  public enum TargetState {
    /** Placements are being loaded; no traffic until all are ready. */
    LOADING,
    /** Ready everywhere it must be: takes its share. */
    SERVING,
    /** A placement failed: no traffic; {@code reason} says why. */
    BLOCKED
  }

  /**
   * @param weightBasisPoints the configured share; it is only served while SERVING
   * @param progressive automatic steps, or null
   */
  public record Canary(
      int version,
      int weightBasisPoints,
      String stickyHeader,
      TargetState state,
      String reason,
      Progress progressive) {}

  /**
   * @param percent for a shadow, the share of requests copied; 100 for a fallback
   */
  public record Target(int version, int percent, TargetState state, String reason) {}

  /** Progressive delivery as it stands. */
  public record Progress(
      List<Integer> stepsBasisPoints,
      int step,
      Duration interval,
      Instant nextStepAt,
      double maxErrorRate,
      Duration maxP99) {}
}
