package dev.pier.controlplane.security;

import dev.pier.controlplane.PierProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;

/**
 * Who may call what, for the REST API ({@code /api/**}) and the OIP gateway ({@code /v2}): two
 * stateless filter chains that accept API tokens, OIDC bearer JWTs and local users' passwords (HTTP
 * Basic); the API's checks {@link ApiAccess}'s rules before any body is read, the gateway's is kept
 * lean for the inference path. Method security on the application services checks the same roles
 * again for every caller, the console included. The console's own chain (sign-in pages, sessions)
 * is the executable's, built on the {@link #passwordSignIn} manager defined here.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableMethodSecurity
public class SecurityConfiguration {
  private static final String RUNTIMES = "/api/v1/runtimes/";
  private static final String ARTIFACT = "/api/v1/models/{name}/versions/{number}/artifact";

  /** Password sign-in of local users, for HTTP Basic here and the console's sign-in form. */
  @Bean
  public AuthenticationManager passwordSignIn(LocalSignIn localSignIn) {
    return new ProviderManager(localSignIn);
  }

  /**
   * The gateway's chain, on the inference hot path: only what a stateless OIP call needs — CORS,
   * the credential filters and the access rule — and none of the browser-session filters (logout,
   * saved requests, anonymous callers, servlet API wrappers, security headers), each of which costs
   * a little on every request. Which endpoint a caller may use is the gateway's own check.
   */
  @Bean
  @Order(0)
  SecurityFilterChain gatewaySecurity(
      HttpSecurity http,
      AuthenticationManager passwordSignIn,
      BearerTokens bearerTokens,
      SecurityProblems problems,
      PierProperties properties)
      throws Exception {
    http.securityMatcher("/v2", "/v2/**")
        .requestCache(cache -> cache.disable())
        .anonymous(anonymous -> anonymous.disable())
        .servletApi(servletApi -> servletApi.disable())
        .logout(logout -> logout.disable())
        .headers(headers -> headers.disable());
    credentials(http, passwordSignIn, bearerTokens, problems, properties)
        .authorizeHttpRequests(
            requests -> {
              requests.requestMatchers("/v2", "/v2/health/**").permitAll();
              requests.anyRequest().access(this::anyRole);
            });
    return http.build();
  }

  @Bean
  @Order(1)
  SecurityFilterChain apiSecurity(
      HttpSecurity http,
      AuthenticationManager passwordSignIn,
      BearerTokens bearerTokens,
      SecurityProblems problems,
      PierProperties properties)
      throws Exception {
    http.securityMatcher("/api/**").headers(headers -> headers.cacheControl(cache -> {}));
    credentials(http, passwordSignIn, bearerTokens, problems, properties)
        .authorizeHttpRequests(
            requests -> {
              requests.requestMatchers(RUNTIMES + "**").permitAll();
              requests
                  .requestMatchers(
                      "/api/v1/openapi.json",
                      "/api/v1/openapi.json/**",
                      "/api/v1/docs",
                      "/api/v1/docs/**")
                  .permitAll();
              for (ApiAccess.Compiled rule : ApiAccess.COMPILED) {
                requests.requestMatchers(rule.matcher()).access(allows(rule));
              }
              // Not an operation (Spring MVC answers 404 or 405). An operation added without a
              // rule fails the authorisation matrix test; its service still checks roles.
              requests.anyRequest().authenticated();
            });
    return http.build();
  }

  /**
   * What both chains share: stateless, credentials from headers only (API tokens and OIDC JWTs as
   * bearer tokens, local users' passwords as HTTP Basic), CORS, and problem-detail refusals.
   */
  private static HttpSecurity credentials(
      HttpSecurity http,
      AuthenticationManager passwordSignIn,
      BearerTokens bearerTokens,
      SecurityProblems problems,
      PierProperties properties)
      throws Exception {
    DefaultBearerTokenResolver bearer = new DefaultBearerTokenResolver();
    return http.sessionManagement(
            sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        // No cookies are read here: every request carries its credentials in a header, which a
        // forged cross-site request cannot set.
        .csrf(csrf -> csrf.disable())
        .cors(cors -> cors.configurationSource(cors(properties.security().corsAllowedOrigins())))
        .authenticationManager(passwordSignIn)
        .httpBasic(basic -> basic.authenticationEntryPoint(problems))
        .oauth2ResourceServer(
            resource ->
                resource
                    // Runtimes' registration calls carry the registration token, which their own
                    // interceptor checks; the bearer filter must not take it for a user's.
                    .bearerTokenResolver(
                        request ->
                            request.getRequestURI().startsWith(RUNTIMES)
                                ? null
                                : bearer.resolve(request))
                    .authenticationManagerResolver(request -> bearerTokens::authenticate)
                    .authenticationEntryPoint(problems)
                    .accessDeniedHandler(problems))
        .exceptionHandling(
            exceptions ->
                exceptions.authenticationEntryPoint(problems).accessDeniedHandler(problems));
  }

  /** A rule's check: the role, the endpoint scope of a scoped token, the one-time password. */
  private static AuthorizationManager<RequestAuthorizationContext> allows(ApiAccess.Compiled rule) {
    return (Supplier<? extends Authentication> authentication,
        RequestAuthorizationContext context) -> {
      Optional<PierPrincipal> caller = Principals.of(authentication.get());
      if (caller.isEmpty()) {
        return new AuthorizationDecision(false);
      }
      PierPrincipal principal = caller.get();
      if (principal.kind() == PierPrincipal.Kind.RUNTIME) {
        return new AuthorizationDecision(rule.rule().pattern().equals(ARTIFACT));
      }
      if (rule.rule().role() == null) {
        return new AuthorizationDecision(true);
      }
      HttpServletRequest request = context.getRequest();
      if (principal.endpoints() != null) {
        Optional<String> endpoint = rule.endpointOf(request);
        if (endpoint.isEmpty() || !principal.mayUse(endpoint.get())) {
          return new AuthorizationDecision(false);
        }
      }
      return new AuthorizationDecision(principal.has(rule.rule().role()));
    };
  }

  private AuthorizationResult anyRole(
      Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) {
    Optional<PierPrincipal> caller = Principals.of(authentication.get());
    return new AuthorizationDecision(
        caller.isPresent()
            && caller.get().kind() != PierPrincipal.Kind.RUNTIME
            && !caller.get().passwordChangeRequired());
  }

  /**
   * The same CORS rules for every request of this chain ({@code /api/**} and {@code /v2}). Not a
   * {@code UrlBasedCorsConfigurationSource} with path patterns: it matches the path within the
   * servlet, and the gateway's servlet is mapped to {@code /v2/*}, so a {@code /v2/**} pattern
   * never matched and gateway preflights went unanswered.
   */
  private static CorsConfigurationSource cors(List<String> allowedOrigins) {
    if (allowedOrigins.isEmpty()) {
      return request -> null;
    }
    CorsConfiguration configuration = new CorsConfiguration();
    configuration.setAllowedOrigins(allowedOrigins);
    configuration.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE"));
    configuration.setAllowedHeaders(
        List.of(
            HttpHeaders.AUTHORIZATION,
            HttpHeaders.CONTENT_TYPE,
            HttpHeaders.IF_MATCH,
            "Inference-Header-Content-Length"));
    configuration.setExposedHeaders(
        List.of(
            "Pier-Target",
            HttpHeaders.RETRY_AFTER,
            HttpHeaders.ETAG,
            HttpHeaders.LOCATION,
            HttpHeaders.CONTENT_DISPOSITION,
            "X-Total-Count",
            "Inference-Header-Content-Length"));
    configuration.setAllowCredentials(false);
    return request -> configuration;
  }
}
