package dev.pier.controlplane.runtimes;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A runtime server as the API and the console show it: addresses, capacity, load and models. */
public record RuntimeServerView(
    UUID id,
    String name,
    RuntimeServerState state,
    String restUrl,
    String grpcTarget,
    String metricsUrl,
    List<String> capabilities,
    long memoryCapacityBytes,
    long memoryUsedBytes,
    int inFlightRequests,
    List<Heartbeat.LoadedModel> models,
    String version,
    Instant lastHeartbeatAt,
    Instant registeredAt,
    Instant updatedAt) {}
