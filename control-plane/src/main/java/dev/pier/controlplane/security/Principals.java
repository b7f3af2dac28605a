package dev.pier.controlplane.security;

import java.util.Optional;
import org.springframework.security.core.Authentication;

/** The {@link PierPrincipal} of an authentication made by Pier's own sign-in paths. */
final class Principals {
  private Principals() {}

  static Optional<PierPrincipal> of(Authentication authentication) {
    if (authentication != null && authentication.getPrincipal() instanceof PierPrincipal caller) {
      return Optional.of(caller);
    }
    return Optional.empty();
  }
}
