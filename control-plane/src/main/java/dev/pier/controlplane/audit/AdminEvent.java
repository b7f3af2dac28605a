package dev.pier.controlplane.audit;

import java.time.Instant;

/**
 * One administrative action as recorded.
 *
 * @param id the record's position in the trail, increasing
 * @param time when it happened
 * @param actor who did it ({@code pier} for Pier itself)
 * @param action what was done, e.g. {@code model.created}, {@code sign-in.failed}
 * @param targetType the kind of thing acted on: {@code model}, {@code endpoint}, {@code user}...
 * @param target which one: a name or id
 * @param outcome {@code SUCCESS} or {@code FAILURE}
 * @param detail a sentence on why, when there is one (the reason given, the failure)
 * @param before the target as JSON before the action; null when it did not exist
 * @param after the target as JSON after the action; null when it no longer exists
 * @param sourceAddress the caller's IP address, when the action came over the network
 */
public record AdminEvent(
    long id,
    Instant time,
    String actor,
    String action,
    String targetType,
    String target,
    Outcome outcome,
    String detail,
    String before,
    String after,
    String sourceAddress) {

  /** Whether the action took effect. */
  public enum Outcome {
    SUCCESS,
    FAILURE
  }
}
