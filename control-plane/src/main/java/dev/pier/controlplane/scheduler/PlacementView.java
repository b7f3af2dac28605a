package dev.pier.controlplane.scheduler;

import java.time.Instant;
import java.util.UUID;

/** One model version on one runtime server, as the API shows it. */
public record PlacementView(
    UUID id,
    String model,
    int version,
    UUID serverId,
    String serverName,
    PlacementState state,
    String reason,
    long sizeBytes,
    Instant updatedAt) {}
