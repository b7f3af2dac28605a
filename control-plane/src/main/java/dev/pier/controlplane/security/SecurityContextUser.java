package dev.pier.controlplane.security;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Component;

/**
 * Reads the caller from Spring Security's context of the current thread: a {@link
 * PierAuthentication} (password, API token, bearer JWT) or a console session signed in through the
 * OIDC provider, whose ID token's claims give name and roles.
 */
@Component
class SecurityContextUser implements CurrentUser {
  private final OidcRoles oidcRoles;

  SecurityContextUser(OidcRoles oidcRoles) {
    this.oidcRoles = oidcRoles;
  }

  @Override
  public String name() {
    return principal().map(PierPrincipal::name).orElse(SYSTEM);
  }

  @Override
  public Optional<PierPrincipal> principal() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication != null && authentication.getPrincipal() instanceof OidcUser user) {
      return Optional.of(oidcRoles.principalOf(user.getClaims()));
    }
    return Principals.of(authentication);
  }
}
