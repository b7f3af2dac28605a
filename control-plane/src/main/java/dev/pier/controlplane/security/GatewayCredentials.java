package dev.pier.controlplane.security;

import java.util.Optional;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.stereotype.Component;

/**
 * Bearer credentials outside the servlet filter chain: the gateway's gRPC calls send them as {@code
 * authorization} metadata. The same checks as over HTTP (API tokens, OIDC JWTs); passwords are not
 * taken here, because checking one costs tens of milliseconds and gRPC handlers must not block.
 */
@Component
public class GatewayCredentials {
  private static final String BEARER = "Bearer ";

  private final BearerTokens tokens;

  GatewayCredentials(BearerTokens tokens) {
    this.tokens = tokens;
  }

  /** The caller an {@code Authorization} value stands for; empty when missing or not valid. */
  public Optional<PierPrincipal> authenticate(String authorization) {
    if (authorization == null
        || authorization.length() <= BEARER.length()
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    try {
      return Principals.of(
              tokens.authenticate(
                  new BearerTokenAuthenticationToken(
                      authorization.substring(BEARER.length()).strip())))
          .filter(caller -> caller.kind() != PierPrincipal.Kind.RUNTIME);
    } catch (AuthenticationException e) {
      return Optional.empty();
    }
  }
}
