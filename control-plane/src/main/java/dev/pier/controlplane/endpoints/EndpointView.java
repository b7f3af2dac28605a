package dev.pier.controlplane.endpoints;

import dev.pier.controlplane.security.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * An endpoint as the API shows it.
 *
 * @param model the model whose versions it serves
 * @param version the desired version
 * @param activeVersion the version requests go to now; null until a version is ready, and the
 *     previous version while a changed one is being placed
 * @param replicas on how many runtime servers the version is placed
 * @param timeout the longest the gateway waits for a runtime's answer
 * @param revision incremented by every change; the optimistic lock
 * @param traffic canary, shadow and fallback targets beside the stable version
 */
public record EndpointView(
    UUID id,
    String name,
    String model,
    int version,
    Integer activeVersion,
    int replicas,
    Duration timeout,
    long revision,
    Instant createdAt,
    Instant updatedAt,
    TrafficPolicy traffic,
    Set<Role> inferenceRoles) {}
