package dev.pier.controlplane.security;

/**
 * Who is making the current request, as recorded in {@code created_by} columns, owners and (later)
 * the audit trail.
 *
 * <p>The seam for the security capability: today the only implementation is {@link
 * UnauthenticatedUser}; the OAuth2 capability replaces it with one that reads the authenticated
 * principal, and adds the {@code SecurityFilterChain} for {@code /api/**} and {@code @PreAuthorize}
 * on the application services. Callers never read a security context themselves.
 */
public interface CurrentUser {

  /** A stable, printable name for the caller. */
  String name();
}
