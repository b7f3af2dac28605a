package dev.pier.controlplane.endpoints;

import java.time.Instant;

/**
 * One step in an endpoint's history: who did what, when and why, and the stable version and canary
 * before and after.
 */
public record RolloutEvent(
    long id,
    String endpoint,
    Action action,
    String actor,
    String reason,
    Integer stableBefore,
    int stableAfter,
    Integer canaryBefore,
    Integer canaryAfter,
    int weightBeforeBasisPoints,
    int weightAfterBasisPoints,
    Instant at) {

  /** What happened. */
  public enum Action {
    CREATED,
    VERSION_CHANGED,
    CANARY_STARTED,
    WEIGHT_CHANGED,
    PROGRESSED,
    PROMOTED,
    ROLLED_BACK,
    AUTO_ROLLED_BACK,
    ABORTED,
    SHADOW_CHANGED,
    FALLBACK_CHANGED
  }
}
