package dev.pier.controlplane.security;

import java.util.Set;

/**
 * Who an authenticated caller is, whichever way they signed in: a local user (password), an API
 * token, or a user or client of the configured OIDC provider.
 *
 * @param name the printable name recorded as actor ({@code alice}, {@code token:ci-deploy}, ...)
 * @param roles the roles held, as granted (not expanded)
 * @param kind how the caller authenticated
 * @param endpoints for an endpoint-scoped API token, the only endpoints it may use; {@code null}
 *     for every other caller
 * @param passwordChangeRequired a local user signed in with a one-time password, who may do nothing
 *     but change it
 */
public record PierPrincipal(
    String name,
    Set<Role> roles,
    Kind kind,
    Set<String> endpoints,
    boolean passwordChangeRequired) {

  /** How a caller authenticated. */
  public enum Kind {
    LOCAL_USER,
    API_TOKEN,
    OIDC,
    /** A runtime server downloading an artifact with the registration token. */
    RUNTIME,
    /** Pier itself: the scheduler, progressive rollouts. */
    SYSTEM
  }

  public PierPrincipal {
    roles = Set.copyOf(roles);
    endpoints = endpoints == null ? null : Set.copyOf(endpoints);
  }

  /** Whether this caller may do what {@code required} allows. */
  public boolean has(Role required) {
    return !passwordChangeRequired && Role.anyGrants(roles, required);
  }

  /** Whether this caller may use {@code endpoint} at all (endpoint-scoped tokens). */
  public boolean mayUse(String endpoint) {
    return endpoints == null || endpoints.contains(endpoint);
  }

  @Override
  public String toString() {
    return name;
  }
}
