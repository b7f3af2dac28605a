/**
 * Who the caller is and what it may do: roles, the principal every sign-in path produces, the one
 * stateless filter chain for {@code /api/**} and {@code /v2} (HTTP Basic for local users, API
 * tokens, OIDC bearer JWTs), the REST API's access rules, and {@link
 * dev.pier.controlplane.security.CurrentUser}, the one place features ask "who". Which endpoint a
 * caller may use is decided by the endpoints package, where endpoints are known; the application
 * services check roles again with method security.
 */
package dev.pier.controlplane.security;
