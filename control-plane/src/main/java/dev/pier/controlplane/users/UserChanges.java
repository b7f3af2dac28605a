package dev.pier.controlplane.users;

import dev.pier.controlplane.security.Role;
import jakarta.validation.constraints.Size;
import java.util.Set;

/**
 * A change to a user; fields left out stay as they are.
 *
 * @param revision the revision read, to refuse a change made on stale data; optional
 */
public record UserChanges(
    @Size(max = 256) String displayName,
    @Size(min = 1, message = "must name at least one role") Set<Role> roles,
    Boolean enabled,
    Long revision) {}
