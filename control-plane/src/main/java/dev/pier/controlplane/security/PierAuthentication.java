package dev.pier.controlplane.security;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The one authentication Pier's code sees, whatever the credentials were. Its authorities are the
 * principal's roles expanded along {@link Role#includes()}, so {@code hasRole('ANALYST')} holds for
 * a data scientist without a role hierarchy bean; a user who must change their password has none.
 */
public final class PierAuthentication extends AbstractAuthenticationToken {
  /** The one authority of a user who must change a one-time password before anything else. */
  public static final String PASSWORD_CHANGE_REQUIRED = "PASSWORD_CHANGE_REQUIRED";

  /** The one authority of a runtime server downloading an artifact. */
  public static final String RUNTIME = Role.AUTHORITY_PREFIX + "RUNTIME";

  private final PierPrincipal principal;

  public PierAuthentication(PierPrincipal principal) {
    super(authoritiesOf(principal));
    this.principal = principal;
    setAuthenticated(true);
  }

  private static Collection<? extends GrantedAuthority> authoritiesOf(PierPrincipal principal) {
    if (principal.passwordChangeRequired()) {
      return List.of(new SimpleGrantedAuthority(PASSWORD_CHANGE_REQUIRED));
    }
    if (principal.kind() == PierPrincipal.Kind.RUNTIME) {
      return List.of(new SimpleGrantedAuthority(RUNTIME));
    }
    return AUTHORITIES.computeIfAbsent(
        Set.copyOf(principal.roles()),
        roles ->
            Role.expand(roles).stream()
                .map(role -> (GrantedAuthority) new SimpleGrantedAuthority(role.authority()))
                .toList());
  }

  /**
   * The authorities of each set of roles, made once: every gateway request builds an
   * authentication, and there are at most 2^6 sets.
   */
  private static final Map<Set<Role>, List<GrantedAuthority>> AUTHORITIES =
      new ConcurrentHashMap<>();

  @Override
  public PierPrincipal getPrincipal() {
    return principal;
  }

  /** Never kept: passwords and token secrets are checked and dropped before this exists. */
  @Override
  public Object getCredentials() {
    return null;
  }

  @Override
  public String getName() {
    return principal.name();
  }
}
