package dev.pier.controlplane.security;

import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.runtimes.RuntimeCredentials;
import dev.pier.controlplane.tokens.ApiTokenService;
import dev.pier.controlplane.tokens.TokenChecks;
import java.util.Set;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderInitializationException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.stereotype.Component;

/**
 * Authenticates {@code Authorization: Bearer} credentials: Pier API tokens ({@code pier_...}), the
 * runtime registration token (only ever granted the artifact downloads runtimes make), and, when an
 * OIDC issuer is configured, JWT access tokens from it — signature by the issuer's keys, issuer,
 * expiry and audience checked, roles from the configured claim.
 */
@Component
class BearerTokens {
  /** The runtime's principal: no role, only the artifact downloads {@link ApiAccess} allows it. */
  static final PierPrincipal RUNTIME =
      new PierPrincipal("runtime", Set.of(), PierPrincipal.Kind.RUNTIME, null, false);

  private final TokenChecks tokens;
  private final RuntimeCredentials runtimes;
  private final JwtAuthenticationProvider jwt;

  BearerTokens(
      TokenChecks tokens,
      RuntimeCredentials runtimes,
      OidcRoles oidcRoles,
      PierProperties properties) {
    this.tokens = tokens;
    this.runtimes = runtimes;
    PierProperties.Oidc oidc = properties.security().oidc();
    if (oidc.enabled()) {
      // Building a decoder from the issuer reads the provider's metadata and keys at once, so it
      // is built when the first JWT arrives (and again after a failure), and Pier starts while the
      // provider is down.
      JwtDecoder decoder =
          new SupplierJwtDecoder(
              () -> {
                NimbusJwtDecoder built =
                    NimbusJwtDecoder.withIssuerLocation(oidc.issuerUri().toString()).build();
                built.setJwtValidator(
                    new DelegatingOAuth2TokenValidator<>(
                        new JwtTimestampValidator(oidc.clockSkew()),
                        new JwtIssuerValidator(oidc.issuerUri().toString()),
                        audience(oidc.audience())));
                return built;
              });
      this.jwt = new JwtAuthenticationProvider(decoder);
      this.jwt.setJwtAuthenticationConverter(
          token -> new PierAuthentication(oidcRoles.principalOf(token.getClaims())));
    } else {
      this.jwt = null;
    }
  }

  Authentication authenticate(Authentication authentication) {
    String token = ((BearerTokenAuthenticationToken) authentication).getToken();
    if (token.startsWith(ApiTokenService.PREFIX)) {
      return tokens
          .check(token)
          .map(PierAuthentication::new)
          .orElseThrow(() -> new InvalidBearerTokenException("unknown, expired or revoked token"));
    }
    if (runtimes.isRuntime("Bearer " + token)) {
      return new PierAuthentication(RUNTIME);
    }
    if (jwt == null) {
      throw new InvalidBearerTokenException(
          "not a Pier API token, and no OIDC issuer is configured (pier.security.oidc.issuer-uri)");
    }
    try {
      return jwt.authenticate(authentication);
    } catch (JwtDecoderInitializationException | AuthenticationServiceException unreachable) {
      // The provider's metadata or keys could not be read: the token cannot be checked, which is
      // a refusal like any other, not a failure of the request (a 500, or UNKNOWN over gRPC).
      throw new InvalidBearerTokenException(
          "the OIDC provider's keys cannot be read to check the token", unreachable);
    }
  }

  private static OAuth2TokenValidator<Jwt> audience(String audience) {
    return token ->
        token.getAudience() != null && token.getAudience().contains(audience)
            ? OAuth2TokenValidatorResult.success()
            : OAuth2TokenValidatorResult.failure(
                new OAuth2Error(
                    "invalid_token", "the token is not for audience " + audience, null));
  }
}
