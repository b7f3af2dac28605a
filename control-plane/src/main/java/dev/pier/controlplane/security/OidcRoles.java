package dev.pier.controlplane.security;

import dev.pier.controlplane.PierProperties;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Turns the claims of an OIDC provider's token (a bearer JWT, or the ID token of a console sign-in)
 * into a {@link PierPrincipal}: the name from {@code username-claim} (else {@code sub}), the roles
 * from {@code roles-claim} through {@code role-mapping}, plus {@code default-roles}.
 */
@Component
public class OidcRoles {
  private final PierProperties.Oidc settings;

  OidcRoles(PierProperties properties) {
    this.settings = properties.security().oidc();
  }

  public PierPrincipal principalOf(Map<String, Object> claims) {
    Object name = claims.get(settings.usernameClaim());
    if (!(name instanceof String text) || text.isBlank()) {
      name = claims.get("sub");
    }
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    settings.defaultRoles().forEach(role -> Role.parse(role).ifPresent(roles::add));
    for (String external : values(claim(claims, settings.rolesClaim()))) {
      String mapped = settings.roleMapping().get(external);
      Role.parse(mapped != null ? mapped : external).ifPresent(roles::add);
    }
    return new PierPrincipal(String.valueOf(name), roles, PierPrincipal.Kind.OIDC, null, false);
  }

  /** A claim by dotted path: {@code realm_access.roles}. */
  private static Object claim(Map<String, Object> claims, String path) {
    Object value = claims;
    for (String part : path.split("\\.")) {
      if (!(value instanceof Map<?, ?> map)) {
        return null;
      }
      value = map.get(part);
    }
    return value;
  }

  private static Set<String> values(Object claim) {
    if (claim instanceof Collection<?> list) {
      return list.stream().map(value -> String.valueOf(value).strip()).collect(Collectors.toSet());
    }
    if (claim instanceof String text) {
      return Arrays.stream(text.strip().split("[\\s,]+")).collect(Collectors.toSet());
    }
    return Set.of();
  }
}
