package dev.pier.console.security;

import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import dev.pier.controlplane.security.OidcSignIn;
import dev.pier.controlplane.security.TooManySignInAttempts;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;

/**
 * The console's chain, after the control plane's stateless one for {@code /api/**} and {@code
 * /v2/**}: everything else, with sessions. Vaadin's configurer permits its own internal requests,
 * sets CSRF protection up for them and enforces the views' access annotations; local users sign in
 * through {@link LoginView}'s form (the same throttled password check as HTTP Basic on the API),
 * and OIDC users through the provider when {@code pier.security.oidc.client-id} is set.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurity {

  @Bean
  @Order(2)
  SecurityFilterChain console(HttpSecurity http, OidcSignIn oidc) throws Exception {
    // No manager of its own: the OIDC sign-in adds its providers to this chain's, and a password
    // goes on to the parent, the global manager built from the control plane's one provider (the
    // throttled local sign-in). Setting that as this chain's manager would lose the OIDC ones;
    // adding it as a provider here too would check a wrong password twice.
    http.authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers("/swagger-ui/**", "/v3/api-docs/**", "/favicon.ico")
                    .permitAll())
        .with(VaadinSecurityConfigurer.vaadin(), vaadin -> vaadin.loginView(LoginView.class))
        .formLogin(
            form ->
                form.failureHandler(
                    (request, response, failure) ->
                        new SimpleUrlAuthenticationFailureHandler(
                                failure instanceof TooManySignInAttempts throttled
                                    ? "/login?throttled=" + throttled.retryAfterSeconds()
                                    : "/login?error")
                            .onAuthenticationFailure(request, response, failure)));
    http.addFilterAfter(new PasswordChangeRedirect(), AuthorizationFilter.class);
    if (oidc.enabled()) {
      http.oauth2Login(login -> login.loginPage("/login").clientRegistrationRepository(oidc));
    }
    return http.build();
  }
}
