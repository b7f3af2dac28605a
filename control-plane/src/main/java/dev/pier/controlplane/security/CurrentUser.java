package dev.pier.controlplane.security;

import java.util.Optional;

/**
 * Who is making the current request, as recorded in {@code created_by} columns, owners and the
 * audit trail. Features ask here instead of reading a security context themselves.
 */
public interface CurrentUser {
  /** The name recorded for work Pier does by itself (scheduler, progressive rollouts). */
  String SYSTEM = "pier";

  /** A stable, printable name for the caller; {@link #SYSTEM} outside any request. */
  String name();

  /** The authenticated caller, if there is one on this thread. */
  Optional<PierPrincipal> principal();
}
