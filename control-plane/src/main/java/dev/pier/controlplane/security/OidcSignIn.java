package dev.pier.controlplane.security;

import dev.pier.controlplane.PierProperties;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.authority.mapping.GrantedAuthoritiesMapper;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority;
import org.springframework.stereotype.Component;
import org.springframework.util.function.SingletonSupplier;

/**
 * The console's sign-in through the OIDC provider (authorization code flow with PKCE): the client
 * registration, read from the provider's discovery document when first needed (so Pier starts while
 * the provider is down), and the mapping of the ID token's claims to Pier's roles.
 */
@Component
public class OidcSignIn implements ClientRegistrationRepository, GrantedAuthoritiesMapper {
  /** The registration id, in {@code /oauth2/authorization/pier} and the redirect URI. */
  public static final String REGISTRATION_ID = "pier";

  private final PierProperties.Oidc settings;
  private final OidcRoles roles;
  private final Supplier<ClientRegistration> registration;

  OidcSignIn(PierProperties properties, OidcRoles roles) {
    this.settings = properties.security().oidc();
    this.roles = roles;
    this.registration = SingletonSupplier.of(this::discover);
  }

  /** Whether the console offers sign-in through the provider. */
  public boolean enabled() {
    return settings.consoleSignIn();
  }

  /** The name the sign-in button gives the provider. */
  public String displayName() {
    return settings.displayName();
  }

  /** Where the browser starts the sign-in. */
  public String startPath() {
    return "/oauth2/authorization/" + REGISTRATION_ID;
  }

  @Override
  public ClientRegistration findByRegistrationId(String registrationId) {
    if (!enabled() || !REGISTRATION_ID.equals(registrationId)) {
      return null;
    }
    return registration.get();
  }

  @Override
  public Set<? extends GrantedAuthority> mapAuthorities(
      Collection<? extends GrantedAuthority> authorities) {
    Set<GrantedAuthority> mapped = new HashSet<>();
    for (GrantedAuthority authority : authorities) {
      if (authority instanceof OidcUserAuthority user) {
        Optional.of(roles.principalOf(user.getIdToken().getClaims()))
            .map(principal -> Role.expand(principal.roles()))
            .ifPresent(
                granted ->
                    granted.forEach(
                        role -> mapped.add(new SimpleGrantedAuthority(role.authority()))));
      }
    }
    return mapped;
  }

  private ClientRegistration discover() {
    ClientRegistration.Builder builder =
        ClientRegistrations.fromIssuerLocation(settings.issuerUri().toString())
            .registrationId(REGISTRATION_ID)
            .clientId(settings.clientId())
            .scope("openid", "profile")
            .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
            .clientSettings(
                ClientRegistration.ClientSettings.builder().requireProofKey(true).build());
    if (settings.clientSecret() == null) {
      builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
    } else {
      builder
          .clientSecret(settings.clientSecret())
          .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
    }
    return builder.build();
  }
}
