package dev.pier.controlplane.endpoints;

import dev.pier.controlplane.audit.AdminEvents;
import dev.pier.controlplane.base.Printable;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.registry.ModelName;
import dev.pier.controlplane.registry.RegistryService;
import dev.pier.controlplane.security.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.validation.annotation.Validated;

/**
 * Creates, reads, changes and deletes endpoints. Plain SQL rather than JPA: the rows are small, and
 * the scheduler's switch of the active version is one conditional UPDATE that must not race with
 * (or bump the revision of) a user's change.
 */
@Service
@Validated
public class EndpointService {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration LONGEST_TIMEOUT = Duration.ofHours(1);
  private static final String COLUMNS =
      "id, name, model_name, version_number, active_version, replicas, timeout_ms, revision,"
          + " created_at, updated_at, canary_version, canary_weight_bp, sticky_header,"
          + " shadow_version, shadow_percent, fallback_version, progressive_steps_bp,"
          + " progressive_interval_ms, slo_max_error_rate, slo_max_p99_ms, progressive_step,"
          + " progressive_step_at, inference_roles";

  private final JdbcClient jdbc;
  private final RegistryService registry;
  private final EndpointHistory history;
  private final ApplicationEventPublisher events;
  private final AdminEvents adminEvents;

  EndpointService(
      JdbcClient jdbc,
      RegistryService registry,
      EndpointHistory history,
      ApplicationEventPublisher events,
      AdminEvents adminEvents) {
    this.jdbc = jdbc;
    this.registry = registry;
    this.history = history;
    this.events = events;
    this.adminEvents = adminEvents;
  }

  @PreAuthorize("hasRole('DATA_SCIENTIST')")
  @Transactional
  public EndpointView create(@NotNull @Valid NewEndpoint endpoint) {
    registry.getVersion(ModelName.of(endpoint.model()), endpoint.version()); // must exist
    Duration timeout = timeout(endpoint.timeout() == null ? DEFAULT_TIMEOUT : endpoint.timeout());
    Instant now = now();
    try {
      jdbc.sql(
              "INSERT INTO endpoint (id, name, model_name, version_number, replicas, timeout_ms,"
                  + " revision, created_at, updated_at, inference_roles)"
                  + " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)")
          .params(
              UUID.randomUUID(),
              endpoint.name(),
              endpoint.model(),
              endpoint.version(),
              endpoint.replicas() == null ? 1 : endpoint.replicas(),
              timeout.toMillis(),
              Timestamp.from(now),
              Timestamp.from(now),
              rolesText(endpoint.inferenceRoles()))
          .update();
    } catch (DuplicateKeyException e) {
      throw new PierException(
          ErrorCode.ENDPOINT_ALREADY_EXISTS,
          "an endpoint named " + Printable.quote(endpoint.name()) + " already exists");
    }
    history.record(
        endpoint.name(),
        RolloutEvent.Action.CREATED,
        null,
        null,
        endpoint.version(),
        TrafficPolicy.NONE,
        TrafficPolicy.NONE);
    events.publishEvent(new EndpointChanged(endpoint.name()));
    EndpointView created = get(endpoint.name());
    adminEvents.record("endpoint.created", "endpoint", endpoint.name(), null, created);
    return created;
  }

  @PreAuthorize("hasRole('VIEWER')")
  @Transactional(readOnly = true)
  public EndpointView get(@NotNull String name) {
    return find(name).orElseThrow(() -> notFound(name));
  }

  /** Unchecked: for the scheduler, the gateway and other services, which check their callers. */
  @Transactional(readOnly = true)
  public Optional<EndpointView> find(@NotNull String name) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM endpoint WHERE name = ?")
        .param(name)
        .query(EndpointService::view)
        .optional();
  }

  @PreAuthorize("hasRole('VIEWER')")
  @Transactional(readOnly = true)
  public List<EndpointView> list() {
    return jdbc.sql("SELECT " + COLUMNS + " FROM endpoint ORDER BY name")
        .query(EndpointService::view)
        .list();
  }

  /**
   * Changes the version, replicas or timeout. A new version is not served at once: the scheduler
   * places it, and switches {@code activeVersion} to it once it is ready.
   */
  @PreAuthorize("hasRole('DATA_SCIENTIST')")
  @Transactional
  public EndpointView change(@NotNull String name, @NotNull @Valid EndpointChanges changes) {
    EndpointView current = find(name).orElseThrow(() -> notFound(name));
    if (changes.revision() != null && changes.revision() != current.revision()) {
      throw new PierException(
          ErrorCode.REVISION_MISMATCH,
          "endpoint "
              + Printable.quote(name)
              + " is at revision "
              + current.revision()
              + ", not "
              + changes.revision());
    }
    int version = changes.version() == null ? current.version() : changes.version();
    if (version != current.version()) {
      registry.getVersion(ModelName.of(current.model()), version);
    }
    int updated =
        jdbc.sql(
                "UPDATE endpoint SET version_number = ?, replicas = ?, timeout_ms = ?,"
                    + " inference_roles = ?, revision = revision + 1, updated_at = ?"
                    + " WHERE name = ? AND revision = ?")
            .params(
                version,
                changes.replicas() == null ? current.replicas() : changes.replicas(),
                timeout(changes.timeout() == null ? current.timeout() : changes.timeout())
                    .toMillis(),
                rolesText(
                    changes.inferenceRoles() == null
                        ? current.inferenceRoles()
                        : changes.inferenceRoles()),
                Timestamp.from(now()),
                name,
                current.revision())
            .update();
    if (updated == 0) {
      throw new PierException(
          ErrorCode.CONCURRENT_MODIFICATION,
          "endpoint " + Printable.quote(name) + " was changed at the same time; read it again");
    }
    if (version != current.version()) {
      history.record(
          name,
          RolloutEvent.Action.VERSION_CHANGED,
          null,
          current.version(),
          version,
          current.traffic(),
          current.traffic());
    }
    events.publishEvent(new EndpointChanged(name));
    EndpointView changed = find(name).orElseThrow(() -> notFound(name));
    adminEvents.record("endpoint.changed", "endpoint", name, current, changed);
    return changed;
  }

  @PreAuthorize("hasRole('DATA_SCIENTIST')")
  @Transactional
  public void delete(@NotNull String name) {
    EndpointView before = find(name).orElseThrow(() -> notFound(name));
    if (jdbc.sql("DELETE FROM endpoint WHERE name = ?").param(name).update() == 0) {
      throw notFound(name);
    }
    adminEvents.record("endpoint.deleted", "endpoint", name, before, null);
    events.publishEvent(new EndpointChanged(name));
  }

  /**
   * The scheduler's switch: routes {@code name} to {@code version}, provided that is still the
   * desired version. Does not count as a change (no new revision).
   *
   * @return whether the endpoint now routes to {@code version}
   */
  @Transactional
  public boolean activate(@NotNull String name, int version) {
    return jdbc.sql(
                "UPDATE endpoint SET active_version = ? WHERE name = ? AND version_number = ?"
                    + " AND active_version IS DISTINCT FROM ?")
            .params(version, name, version, version)
            .update()
        == 1;
  }

  /**
   * A rollout step, all or nothing: the stable version, the active one, and the traffic policy,
   * applied only while the endpoint is at {@code expectedRevision} (a concurrent change makes it
   * fail with {@code CONCURRENT_MODIFICATION} rather than be merged). The caller has checked that
   * the versions exist and may be served; this counts as a change (new revision).
   *
   * @param activeVersion the version served now; a promoted canary that already takes traffic is
   *     served at once, while a version that may not be loaded (after a rollback) keeps the current
   *     one until the scheduler has it ready
   */
  @Transactional
  public EndpointView applyRollout(
      @NotNull String name,
      long expectedRevision,
      int stableVersion,
      Integer activeVersion,
      @NotNull TrafficPolicy traffic) {
    TrafficPolicy.Progressive progressive = traffic.progressive();
    int updated =
        jdbc.sql(
                "UPDATE endpoint SET version_number = ?, active_version = ?, canary_version = ?,"
                    + " canary_weight_bp = ?, sticky_header = ?, shadow_version = ?,"
                    + " shadow_percent = ?, fallback_version = ?, progressive_steps_bp = ?,"
                    + " progressive_interval_ms = ?, slo_max_error_rate = ?, slo_max_p99_ms = ?,"
                    + " progressive_step = ?, progressive_step_at = ?, revision = revision + 1,"
                    + " updated_at = ? WHERE name = ? AND revision = ?")
            .params(
                stableVersion,
                activeVersion,
                traffic.canaryVersion(),
                traffic.canaryWeightBasisPoints(),
                traffic.stickyHeader(),
                traffic.shadowVersion(),
                traffic.shadowPercent(),
                traffic.fallbackVersion(),
                progressive == null
                    ? null
                    : progressive.stepsBasisPoints().stream()
                        .map(String::valueOf)
                        .collect(Collectors.joining(",")),
                progressive == null ? null : progressive.interval().toMillis(),
                progressive == null ? null : progressive.maxErrorRate(),
                progressive == null ? null : progressive.maxP99().toMillis(),
                progressive == null ? null : progressive.step(),
                progressive == null ? null : Timestamp.from(progressive.stepStartedAt()),
                Timestamp.from(now()),
                name,
                expectedRevision)
            .update();
    if (updated == 0) {
      get(name); // unknown name: 404
      throw new PierException(
          ErrorCode.CONCURRENT_MODIFICATION,
          "endpoint " + Printable.quote(name) + " was changed at the same time; read it again");
    }
    events.publishEvent(new EndpointChanged(name));
    return get(name);
  }

  private static Duration timeout(Duration timeout) {
    if (!timeout.isPositive() || timeout.compareTo(LONGEST_TIMEOUT) > 0) {
      throw new PierException(
          ErrorCode.VALIDATION_FAILED,
          "timeout must be positive and at most " + LONGEST_TIMEOUT + ", but is " + timeout);
    }
    return timeout;
  }

  private static EndpointView view(ResultSet row, int index) throws SQLException {
    int active = row.getInt("active_version");
    boolean inactive = row.wasNull();
    return new EndpointView(
        row.getObject("id", UUID.class),
        row.getString("name"),
        row.getString("model_name"),
        row.getInt("version_number"),
        inactive ? null : active,
        row.getInt("replicas"),
        Duration.ofMillis(row.getLong("timeout_ms")),
        row.getLong("revision"),
        row.getTimestamp("created_at").toInstant(),
        row.getTimestamp("updated_at").toInstant(),
        traffic(row),
        Role.split(row.getString("inference_roles")));
  }

  /** No roles is stored as NULL: every analyst may infer. */
  private static String rolesText(Set<Role> roles) {
    return roles == null || roles.isEmpty() ? null : Role.join(roles);
  }

  private static TrafficPolicy traffic(ResultSet row) throws SQLException {
    String steps = row.getString("progressive_steps_bp");
    TrafficPolicy.Progressive progressive =
        steps == null
            ? null
            : new TrafficPolicy.Progressive(
                Arrays.stream(steps.split(",")).map(Integer::valueOf).toList(),
                Duration.ofMillis(row.getLong("progressive_interval_ms")),
                row.getDouble("slo_max_error_rate"),
                Duration.ofMillis(row.getLong("slo_max_p99_ms")),
                row.getInt("progressive_step"),
                row.getTimestamp("progressive_step_at").toInstant());
    return new TrafficPolicy(
        row.getObject("canary_version", Integer.class),
        row.getInt("canary_weight_bp"),
        row.getString("sticky_header"),
        row.getObject("shadow_version", Integer.class),
        row.getInt("shadow_percent"),
        row.getObject("fallback_version", Integer.class),
        progressive);
  }

  private static PierException notFound(String name) {
    return new PierException(
        ErrorCode.ENDPOINT_NOT_FOUND, "no endpoint is named " + Printable.quote(name));
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
