package dev.pier.controlplane.endpoints;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * A change of an endpoint; null fields stay as they are.
 *
 * @param revision if set, the change applies only while the endpoint is at this revision
 */
public record EndpointChanges(
    @Min(1) Integer version, @Min(1) @Max(64) Integer replicas, Duration timeout, Long revision) {}
