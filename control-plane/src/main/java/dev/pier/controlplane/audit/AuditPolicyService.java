package dev.pier.controlplane.audit;

import dev.pier.audit.capture.AuditPolicy;
import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.security.CurrentUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.validation.annotation.Validated;

/**
 * Per-endpoint audit policies ({@code audit_policy}, V8): viewers read them, data scientists change
 * them (an admin event each time). The gateway's audit thread reads them from {@link
 * AuditPolicyCache}, refreshed when a change commits here; other control-plane replicas see a
 * change on their next start.
 */
@Service
@Validated
public class AuditPolicyService {
  private final JdbcClient jdbc;
  private final AdminEvents adminEvents;
  private final CurrentUser currentUser;
  private final AuditPolicyCache cache;

  AuditPolicyService(
      JdbcClient jdbc,
      AdminEvents adminEvents,
      CurrentUser currentUser,
      PierProperties properties,
      AuditPolicyCache cache) {
    this.jdbc = jdbc;
    this.cache = cache;
    this.adminEvents = adminEvents;
    this.currentUser = currentUser;
  }

  /** The endpoint's policy, or the default one when it has none. */
  @PreAuthorize("hasRole('VIEWER')")
  @Transactional(readOnly = true)
  public EndpointAuditPolicy get(@NotNull String endpoint) {
    requireEndpoint(endpoint);
    return view(stored(endpoint).orElse(cache.defaults()));
  }

  /** Replaces the endpoint's policy. */
  @PreAuthorize("hasRole('DATA_SCIENTIST')")
  @Transactional
  public EndpointAuditPolicy put(
      @NotNull String endpoint, @NotNull @Valid EndpointAuditPolicy policy) {
    requireEndpoint(endpoint);
    Set<String> both = new HashSet<>(policy.redactedFields());
    both.retainAll(policy.businessKeyFields());
    if (!both.isEmpty()) {
      throw new PierException(
          ErrorCode.VALIDATION_FAILED,
          "businessKeyFields: fields cannot be both redacted and business keys: " + both);
    }
    AuditPolicy changed =
        new AuditPolicy(
            policy.samplePercent(),
            policy.capturePayload(),
            policy.redactedFields(),
            policy.businessKeyFields());
    EndpointAuditPolicy before = stored(endpoint).map(AuditPolicyService::view).orElse(null);
    jdbc.sql(
            "INSERT INTO audit_policy (endpoint, sample_percent, capture_payload, redacted_fields,"
                + " business_key_fields, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (endpoint) DO UPDATE SET sample_percent = EXCLUDED.sample_percent,"
                + " capture_payload = EXCLUDED.capture_payload,"
                + " redacted_fields = EXCLUDED.redacted_fields,"
                + " business_key_fields = EXCLUDED.business_key_fields,"
                + " updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by")
        .params(
            endpoint,
            changed.samplePercent(),
            changed.capturePayload(),
            changed.redactedFields().stream().sorted().toArray(String[]::new),
            changed.businessKeyFields().stream().sorted().toArray(String[]::new),
            Timestamp.from(Instant.now()),
            currentUser.name())
        .update();
    EndpointAuditPolicy after = view(changed);
    adminEvents.record("endpoint.audit-policy.changed", "endpoint", endpoint, before, after);
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            cache.changed(endpoint, changed);
          }
        });
    return after;
  }

  private Optional<AuditPolicy> stored(String endpoint) {
    return jdbc.sql("SELECT * FROM audit_policy WHERE endpoint = ?")
        .param(endpoint)
        .query((row, number) -> policy(row))
        .optional();
  }

  private void requireEndpoint(String endpoint) {
    boolean exists =
        jdbc.sql("SELECT count(*) FROM endpoint WHERE name = ?")
                .param(endpoint)
                .query(Long.class)
                .single()
            > 0;
    if (!exists) {
      throw new PierException(ErrorCode.ENDPOINT_NOT_FOUND, "no endpoint '" + endpoint + "'");
    }
  }

  static AuditPolicy policy(java.sql.ResultSet row) throws SQLException {
    return new AuditPolicy(
        row.getDouble("sample_percent"),
        row.getBoolean("capture_payload"),
        strings(row.getArray("redacted_fields")),
        strings(row.getArray("business_key_fields")));
  }

  private static Set<String> strings(Array array) throws SQLException {
    return array == null ? Set.of() : Set.copyOf(List.of((String[]) array.getArray()));
  }

  private static EndpointAuditPolicy view(AuditPolicy policy) {
    return new EndpointAuditPolicy(
        policy.samplePercent(),
        policy.capturePayload(),
        policy.redactedFields(),
        policy.businessKeyFields());
  }
}
