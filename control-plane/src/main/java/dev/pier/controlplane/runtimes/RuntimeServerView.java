package dev.pier.controlplane.runtimes;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A runtime server as the API and the console show it: addresses (with {@code grpcTls} for a gRPC
 * port that serves TLS), capacity, load and models. Never any credential.
 */
public record RuntimeServerView(
    UUID id,
    String name,
    RuntimeServerState state,
    String restUrl,
    String grpcTarget,
    boolean grpcTls,
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
