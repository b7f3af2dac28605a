package dev.pier.controlplane.tokens;

import dev.pier.controlplane.security.Role;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * An API token as lists show it: never its secret, only the first characters to recognise it by.
 */
public record TokenView(
    UUID id,
    String name,
    String owner,
    String prefix,
    Set<Role> roles,
    Set<String> endpoints,
    Instant createdAt,
    Instant expiresAt,
    Instant lastUsedAt,
    Instant revokedAt,
    String revokedBy) {

  /** Whether the token still works at {@code now}. */
  public boolean active(Instant now) {
    return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
  }
}
