package dev.pier.controlplane.endpoints;

import dev.pier.controlplane.security.Role;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Set;

/**
 * A change of an endpoint; null fields stay as they are.
 *
 * @param revision if set, the change applies only while the endpoint is at this revision
 * @param inferenceRoles if set, the roles that may infer on the endpoint from now on; an empty set
 *     goes back to the default (every caller holding ANALYST)
 */
public record EndpointChanges(
    @Min(1) Integer version,
    @Min(1) @Max(64) Integer replicas,
    Duration timeout,
    Long revision,
    Set<@NotNull Role> inferenceRoles) {

  /** A change of the version, replicas or timeout only. */
  public EndpointChanges(Integer version, Integer replicas, Duration timeout, Long revision) {
    this(version, replicas, timeout, revision, null);
  }
}
