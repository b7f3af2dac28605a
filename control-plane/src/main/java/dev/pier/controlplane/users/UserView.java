package dev.pier.controlplane.users;

import dev.pier.controlplane.security.Role;
import java.time.Instant;
import java.util.Set;

/** A local user as the API and the console show it; never its password or hash. */
public record UserView(
    String username,
    String displayName,
    Set<Role> roles,
    boolean enabled,
    boolean mustChangePassword,
    Instant createdAt,
    String createdBy,
    Instant lastSignInAt,
    long revision) {}
