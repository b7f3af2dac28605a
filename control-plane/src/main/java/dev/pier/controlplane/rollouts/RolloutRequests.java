package dev.pier.controlplane.rollouts;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.List;

/**
 * What the rollout actions take. Each may carry the endpoint's {@code revision} as read by the
 * caller: the action then applies only if nothing changed since (else 412), and a {@code reason}
 * kept in the history.
 */
public final class RolloutRequests {
  private static final String REASON_RULE = "must be at most 2048 characters";

  private RolloutRequests() {}

  /**
   * Starts a canary.
   *
   * @param weightBasisPoints its share, 0–10000 (default 0: loaded and ready, no traffic yet); with
   *     {@code progressive}, the first step's weight instead
   * @param stickyHeader a request header whose value pins a caller to one variant
   */
  public record StartCanary(
      @NotNull @Min(1) Integer version,
      @Min(0) @Max(10_000) Integer weightBasisPoints,
      @Pattern(
              regexp = "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}",
              message = "must be an HTTP header name")
          String stickyHeader,
      @Valid Progressive progressive,
      Long revision,
      @Size(max = 2048, message = REASON_RULE) String reason) {}

  /**
   * Progressive delivery settings.
   *
   * @param stepsBasisPoints increasing weights ending at 10000, e.g. [500, 2500, 5000, 10000]
   * @param interval how long each step lasts when the SLOs hold
   * @param maxErrorRate the canary's highest acceptable error rate, 0–1
   * @param maxP99 the canary's highest acceptable p99 latency (both judged over the last minute,
   *     once the canary has had 20 requests in it)
   */
  public record Progressive(
      @NotNull @Size(min = 1, max = 20)
          List<@NotNull @Min(1) @Max(10_000) Integer> stepsBasisPoints,
      @NotNull Duration interval,
      @NotNull @DecimalMin("0") @DecimalMax("1") Double maxErrorRate,
      @NotNull Duration maxP99) {}

  /** Sets the canary's weight by hand (stopping progressive delivery, if it ran). */
  public record SetWeight(
      @NotNull @Min(0) @Max(10_000) Integer weightBasisPoints,
      Long revision,
      @Size(max = 2048, message = REASON_RULE) String reason) {}

  /** Promote, roll back or abort. */
  public record Step(Long revision, @Size(max = 2048, message = REASON_RULE) String reason) {}

  /** A shadow target; {@code version} null turns shadowing off. */
  public record SetShadow(
      @Min(1) Integer version,
      @Min(0) @Max(100) Integer percent,
      Long revision,
      @Size(max = 2048, message = REASON_RULE) String reason) {}

  /** A fallback target; {@code version} null removes it. */
  public record SetFallback(
      @Min(1) Integer version,
      Long revision,
      @Size(max = 2048, message = REASON_RULE) String reason) {}
}
