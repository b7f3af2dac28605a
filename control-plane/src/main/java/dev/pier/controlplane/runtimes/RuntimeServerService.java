package dev.pier.controlplane.runtimes;

import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.validation.annotation.Validated;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registration, heartbeats and the state of runtime servers.
 *
 * <p>Runtimes authenticate with the {@link RegistrationToken}; the caller (the REST controller)
 * checks it before calling {@link #register} or {@link #heartbeat}. Listing and reading are for the
 * API and the console.
 */
@Service
@Validated
public class RuntimeServerService {
  private static final Logger log = LoggerFactory.getLogger(RuntimeServerService.class);
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<List<Heartbeat.LoadedModel>> MODELS = new TypeReference<>() {};

  private final RuntimeServerRepository servers;
  private final JsonMapper json;
  private final Duration lostAfter;

  RuntimeServerService(
      RuntimeServerRepository servers, JsonMapper json, PierProperties properties) {
    this.servers = servers;
    this.json = json;
    this.lostAfter = properties.runtimes().lostAfter();
  }

  /** The outcome of a registration: the server, and whether this name was new. */
  public record Registered(RuntimeServerView server, boolean created) {}

  /**
   * Registers a runtime. A name seen before keeps its id: its addresses, capabilities and capacity
   * are replaced (a restarted runtime usually comes back on other ports), and it is REGISTERED
   * until its next heartbeat.
   */
  @Transactional
  public Registered register(@NotNull @Valid Registration registration) {
    Instant now = now();
    RuntimeServer server = servers.findByName(registration.name()).orElse(null);
    boolean created = server == null;
    if (created) {
      server = new RuntimeServer(UUID.randomUUID(), registration.name(), now);
    }
    server.register(
        registration.restUrl(),
        registration.grpcTarget(),
        registration.grpcTls(),
        registration.metricsUrl(),
        json.writeValueAsString(registration.capabilities()),
        registration.memoryCapacityBytes(),
        registration.version(),
        now);
    server = servers.saveAndFlush(server);
    log.info(
        "runtime server {} {} {} at {}",
        server.name(),
        created ? "registered" : "registered again",
        server.id(),
        server.restUrl());
    return new Registered(view(server), created);
  }

  /**
   * Records a heartbeat: the server is READY with the reported load.
   *
   * @throws PierException {@link ErrorCode#RUNTIME_SERVER_NOT_FOUND} for an id the control plane
   *     does not know; the runtime then registers again
   */
  @Transactional
  public void heartbeat(@NotNull UUID id, @NotNull @Valid Heartbeat heartbeat) {
    int updated =
        servers.heartbeat(
            id,
            now(),
            heartbeat.inFlightRequests(),
            heartbeat.memoryUsedBytes(),
            json.writeValueAsString(heartbeat.models()));
    if (updated == 0) {
      throw notFound(id);
    }
  }

  @PreAuthorize("hasRole('VIEWER')")
  @Transactional(readOnly = true)
  public List<RuntimeServerView> list() {
    return servers.findAllByOrderByNameAsc().stream().map(this::view).toList();
  }

  @PreAuthorize("hasRole('VIEWER')")
  @Transactional(readOnly = true)
  public RuntimeServerView get(@NotNull UUID id) {
    return servers.findById(id).map(this::view).orElseThrow(() -> notFound(id));
  }

  /**
   * Marks runtimes LOST that have not been heard from for {@code pier.runtimes.lost-after}. Runs
   * often (every second) so that LOST follows lost-after closely; a check is one query over a table
   * of at most a few hundred rows.
   */
  @Scheduled(fixedDelay = 1000, initialDelay = 1000)
  @Transactional
  public void markLost() {
    Instant now = now();
    Instant cutoff = now.minus(lostAfter);
    for (String name : servers.silentSince(cutoff)) {
      if (servers.markLost(name, cutoff, now) == 1) {
        log.warn("runtime server {} is LOST: no heartbeat for {}", name, lostAfter);
      }
    }
  }

  private RuntimeServerView view(RuntimeServer server) {
    return new RuntimeServerView(
        server.id(),
        server.name(),
        server.state(),
        server.restUrl(),
        server.grpcTarget(),
        server.grpcTls(),
        server.metricsUrl(),
        json.readValue(server.capabilities(), STRINGS),
        server.memoryCapacityBytes(),
        server.memoryUsedBytes(),
        server.inFlightRequests(),
        json.readValue(server.loadedModels(), MODELS),
        server.version(),
        server.lastHeartbeatAt(),
        server.registeredAt(),
        server.updatedAt());
  }

  private static PierException notFound(UUID id) {
    return new PierException(
        ErrorCode.RUNTIME_SERVER_NOT_FOUND, "no runtime server has the id " + id);
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
