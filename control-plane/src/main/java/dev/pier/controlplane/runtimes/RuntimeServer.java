package dev.pier.controlplane.runtimes;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A registered runtime server. Registration changes it through this entity; heartbeats and the lost
 * detector change it with single conditional UPDATE statements (see {@link
 * RuntimeServerRepository}), so they never overwrite each other's columns. Dynamic updates keep a
 * registration from writing back heartbeat columns it read earlier.
 */
@Entity
@Table(name = "runtime_server")
@DynamicUpdate
class RuntimeServer {
  @Id private UUID id;

  @Column(name = "name", nullable = false, updatable = false, length = 128)
  private String name;

  @Column(name = "rest_url", nullable = false, length = 2048)
  private String restUrl;

  @Column(name = "grpc_target", nullable = false, length = 512)
  private String grpcTarget;

  @Column(name = "grpc_tls", nullable = false)
  private boolean grpcTls;

  @Column(name = "metrics_url", nullable = false, length = 2048)
  private String metricsUrl;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "capabilities", nullable = false)
  private String capabilities;

  @Column(name = "memory_capacity_bytes", nullable = false)
  private long memoryCapacityBytes;

  @Column(name = "version", nullable = false, length = 128)
  private String version;

  @Enumerated(EnumType.STRING)
  @Column(name = "state", nullable = false, length = 16)
  private RuntimeServerState state;

  @Column(name = "last_heartbeat_at")
  private Instant lastHeartbeatAt;

  @Column(name = "in_flight_requests", nullable = false)
  private int inFlightRequests;

  @Column(name = "memory_used_bytes", nullable = false)
  private long memoryUsedBytes;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "loaded_models", nullable = false)
  private String loadedModels;

  @Column(name = "registered_at", nullable = false)
  private Instant registeredAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected RuntimeServer() {
    // for JPA
  }

  RuntimeServer(UUID id, String name, Instant now) {
    this.id = id;
    this.name = name;
    this.loadedModels = "[]";
    this.registeredAt = now;
    this.updatedAt = now;
  }

  /** A (re-)registration: new addresses and capacity, and back to REGISTERED until a heartbeat. */
  void register(
      String restUrl,
      String grpcTarget,
      boolean grpcTls,
      String metricsUrl,
      String capabilitiesJson,
      long memoryCapacityBytes,
      String version,
      Instant now) {
    this.restUrl = restUrl;
    this.grpcTarget = grpcTarget;
    this.grpcTls = grpcTls;
    this.metricsUrl = metricsUrl;
    this.capabilities = capabilitiesJson;
    this.memoryCapacityBytes = memoryCapacityBytes;
    this.version = version;
    this.state = RuntimeServerState.REGISTERED;
    this.registeredAt = now;
    this.updatedAt = now;
  }

  UUID id() {
    return id;
  }

  String name() {
    return name;
  }

  String restUrl() {
    return restUrl;
  }

  String grpcTarget() {
    return grpcTarget;
  }

  boolean grpcTls() {
    return grpcTls;
  }

  String metricsUrl() {
    return metricsUrl;
  }

  String capabilities() {
    return capabilities;
  }

  long memoryCapacityBytes() {
    return memoryCapacityBytes;
  }

  String version() {
    return version;
  }

  RuntimeServerState state() {
    return state;
  }

  Instant lastHeartbeatAt() {
    return lastHeartbeatAt;
  }

  int inFlightRequests() {
    return inFlightRequests;
  }

  long memoryUsedBytes() {
    return memoryUsedBytes;
  }

  String loadedModels() {
    return loadedModels;
  }

  Instant registeredAt() {
    return registeredAt;
  }

  Instant updatedAt() {
    return updatedAt;
  }
}
