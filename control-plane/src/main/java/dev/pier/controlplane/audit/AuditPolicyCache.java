package dev.pier.controlplane.audit;

import dev.pier.audit.capture.AuditPolicy;
import dev.pier.controlplane.PierProperties;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The endpoints' audit policies as the audit thread reads them for every inference: loaded from
 * {@code audit_policy} on first use, then changed by {@link AuditPolicyService} when a change
 * commits. A plain component, not the service: a call through the service's proxy (method
 * validation, security) cost more than the lookup itself.
 */
@Component
class AuditPolicyCache {
  private final JdbcClient jdbc;
  private final AuditPolicy defaults;
  private final Map<String, AuditPolicy> policies = new ConcurrentHashMap<>();
  private volatile boolean loaded;

  AuditPolicyCache(JdbcClient jdbc, PierProperties properties) {
    this.jdbc = jdbc;
    PierProperties.AuditDefaultPolicy policy = properties.audit().defaultPolicy();
    this.defaults =
        AuditPolicy.DEFAULT
            .withSamplePercent(policy.samplePercent())
            .withPayloadCapture(policy.capturePayload());
  }

  /** The policy of an endpoint without one of its own ({@code pier.audit.default-policy}). */
  AuditPolicy defaults() {
    return defaults;
  }

  /** The policy the gateway's inference records follow; no access check (no caller there). */
  AuditPolicy policyFor(String endpoint) {
    if (!loaded) {
      load();
    }
    // null: an inference refused before its endpoint was known (gRPC without credentials)
    return endpoint == null ? defaults : policies.getOrDefault(endpoint, defaults);
  }

  /** A change to an endpoint's policy has committed. */
  void changed(String endpoint, AuditPolicy policy) {
    policies.put(endpoint, policy);
  }

  private synchronized void load() {
    if (loaded) {
      return;
    }
    jdbc.sql("SELECT * FROM audit_policy")
        .query(
            (row, number) -> {
              policies.putIfAbsent(row.getString("endpoint"), AuditPolicyService.policy(row));
              return null;
            })
        .list();
    loaded = true;
  }
}
