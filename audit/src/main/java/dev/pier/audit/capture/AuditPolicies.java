package dev.pier.audit.capture;

import java.util.Map;
import java.util.Objects;

/** The policy of each endpoint, and the one for endpoints without their own. */
public record AuditPolicies(AuditPolicy defaults, Map<String, AuditPolicy> endpoints) {
  public AuditPolicies {
    Objects.requireNonNull(defaults, "defaults");
    endpoints = Map.copyOf(endpoints);
  }

  /** {@link AuditPolicy#DEFAULT} for every endpoint. */
  public static AuditPolicies recordEverything() {
    return new AuditPolicies(AuditPolicy.DEFAULT, Map.of());
  }

  public AuditPolicy forEndpoint(String endpoint) {
    return endpoint == null ? defaults : endpoints.getOrDefault(endpoint, defaults);
  }
}
