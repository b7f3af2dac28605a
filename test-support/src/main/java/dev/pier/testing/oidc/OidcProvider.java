package dev.pier.testing.oidc;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.beans.factory.config.BeanDefinitionCustomizer;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real OpenID Connect provider for the tests: Spring Authorization Server in a small Spring
 * context of its own on a free port of localhost (discovery, JWKS, token, authorization and
 * userinfo endpoints), signing with a fresh RSA key.
 *
 * <p>It knows the {@linkplain Client clients} a test registers (client credentials grant, secret
 * {@code secret-of-<id>}), whose access tokens carry {@code aud} and a {@code roles} claim from the
 * client's settings, and always the console's public client {@link #CONSOLE_CLIENT} (authorization
 * code with PKCE, loopback redirect {@link #CONSOLE_REDIRECT_URI} on any port) with the user {@link
 * #USER}, whose tokens carry {@code preferred_username} and the user's roles.
 *
 * <p>Its beans are registered by hand, not by a {@code @Configuration} class, so that the control
 * plane's component scan (which covers the test packages) never takes them for its own.
 */
public final class OidcProvider implements AutoCloseable {
  /** The audience Pier is configured with, and the clients' tokens carry unless told otherwise. */
  public static final String AUDIENCE = "pier-api";

  public static final String CONSOLE_CLIENT = "pier-console";
  public static final String CONSOLE_REDIRECT_URI = "http://127.0.0.1/login/oauth2/code/pier";
  public static final String USER = "alice";
  public static final String USER_PASSWORD = "alice-password-of-the-tests";

  /** The provider's role names of {@link #USER}. */
  public static final List<String> USER_ROLES = List.of("ANALYST");

  private static final String ROLES_SETTING = "pier.test.roles";
  private static final String AUDIENCE_SETTING = "pier.test.audience";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern CSRF =
      Pattern.compile("name=\"_csrf\"\\s+type=\"hidden\"\\s+value=\"([^\"]+)\"");

  private final AnnotationConfigServletWebServerApplicationContext context;
  private final URI issuer;
  private final RSAKey signingKey;

  /**
   * A client of the client credentials grant.
   *
   * @param roles the provider's role names its tokens carry in {@code roles}
   * @param audience what its tokens carry in {@code aud}
   * @param lifetime how long its access tokens live
   */
  public record Client(String id, List<String> roles, String audience, Duration lifetime) {
    /** A client for Pier's audience whose tokens live five minutes. */
    public static Client of(String id, String... roles) {
      return new Client(id, List.of(roles), AUDIENCE, Duration.ofMinutes(5));
    }

    public Client withAudience(String otherAudience) {
      return new Client(id, roles, otherAudience, lifetime);
    }

    public Client withLifetime(Duration shorter) {
      return new Client(id, roles, audience, shorter);
    }

    public String secret() {
      return "secret-of-" + id;
    }
  }

  private OidcProvider(int port, List<Client> clients) {
    this.issuer = issuerOn(port);
    this.signingKey = rsaKey();
    this.context = new AnnotationConfigServletWebServerApplicationContext();
    JWKSource<SecurityContext> keys = new ImmutableJWKSet<>(new JWKSet(signingKey));
    context.registerBean(
        TomcatServletWebServerFactory.class,
        () -> {
          TomcatServletWebServerFactory server = new TomcatServletWebServerFactory(port);
          // The provider's endpoints are all filters, which Tomcat runs only for a request that
          // some servlet would serve.
          server.setRegisterDefaultServlet(true);
          return server;
        });
    context.registerBean(
        AuthorizationServerSettings.class,
        () -> AuthorizationServerSettings.builder().issuer(issuer.toString()).build());
    context.registerBean(
        "providerKeys",
        JWKSource.class,
        () -> keys,
        typed(ResolvableType.forClassWithGenerics(JWKSource.class, SecurityContext.class)));
    context.registerBean(
        JwtDecoder.class, () -> OAuth2AuthorizationServerConfiguration.jwtDecoder(keys));
    context.registerBean(
        RegisteredClientRepository.class,
        () -> new InMemoryRegisteredClientRepository(registered(clients)));
    context.registerBean(
        "providerTokenClaims",
        OAuth2TokenCustomizer.class,
        OidcProvider::tokenClaims,
        typed(
            ResolvableType.forClassWithGenerics(
                OAuth2TokenCustomizer.class, JwtEncodingContext.class)));
    context.registerBean(
        UserDetailsService.class,
        () ->
            new InMemoryUserDetailsManager(
                User.withUsername(USER)
                    .password("{noop}" + USER_PASSWORD)
                    .roles(USER_ROLES.toArray(String[]::new))
                    .build()));
    context.register(ProviderSecurity.class);
    context.refresh();
  }

  /** Starts a provider on a free port with these clients (and the console's). */
  public static OidcProvider start(Client... clients) {
    return startOn(freePort(), clients);
  }

  /** Starts a provider on {@code port}, e.g. one a control plane was told about before. */
  public static OidcProvider startOn(int port, Client... clients) {
    return new OidcProvider(port, List.of(clients));
  }

  /** A port nothing listens on now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The issuer of a provider on {@code port}: what {@code pier.security.oidc.issuer-uri} names. */
  public static URI issuerOn(int port) {
    return URI.create("http://localhost:" + port);
  }

  public URI issuer() {
    return issuer;
  }

  /** The id of the key tokens are signed with ({@code kid}). */
  public String keyId() {
    return signingKey.getKeyID();
  }

  /** An access token of {@code client}, from the token endpoint (client credentials grant). */
  public String accessToken(Client client) {
    JsonNode answer =
        post(
            "/oauth2/token",
            Map.of("grant_type", "client_credentials"),
            "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (client.id() + ":" + client.secret()).getBytes(StandardCharsets.UTF_8)));
    return answer.get("access_token").asString();
  }

  /**
   * Signs {@code username} in through the console's client as a browser would (authorization
   * request, sign-in form, code, token request with the PKCE verifier) and returns the token
   * endpoint's answer ({@code access_token}, {@code id_token}).
   */
  public JsonNode signInThroughTheConsoleClient(String username, String password) {
    HttpClient browser =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    String verifier = randomText();
    String redirectUri = "http://127.0.0.1:9/login/oauth2/code/pier";
    String state = randomText();
    String authorize =
        "/oauth2/authorize?"
            + form(
                Map.of(
                    "response_type",
                    "code",
                    "client_id",
                    CONSOLE_CLIENT,
                    "redirect_uri",
                    redirectUri,
                    "scope",
                    "openid profile",
                    "state",
                    state,
                    "code_challenge",
                    challenge(verifier),
                    "code_challenge_method",
                    "S256"));
    HttpResponse<String> toLogin = send(browser, get(authorize));
    require(toLogin.statusCode() == 302, "the authorization request asks for a sign-in", toLogin);
    HttpResponse<String> loginPage = send(browser, get("/login"));
    Matcher csrf = CSRF.matcher(loginPage.body());
    require(csrf.find(), "the sign-in page has a CSRF token", loginPage);
    HttpResponse<String> signedIn =
        send(
            browser,
            HttpRequest.newBuilder(issuer.resolve("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        form(
                            Map.of(
                                "username", username,
                                "password", password,
                                "_csrf", csrf.group(1))))));
    require(signedIn.statusCode() == 302, "the sign-in is accepted", signedIn);
    String resumed = signedIn.headers().firstValue("Location").orElseThrow();
    HttpResponse<String> withCode =
        send(browser, HttpRequest.newBuilder(issuer.resolve(resumed)).GET());
    String location = withCode.headers().firstValue("Location").orElse("");
    require(location.startsWith(redirectUri), "the provider redirects back with a code", withCode);
    Map<String, String> parameters = query(URI.create(location));
    require(state.equals(parameters.get("state")), "the state comes back", withCode);
    return post(
        "/oauth2/token",
        Map.of(
            "grant_type", "authorization_code",
            "code", parameters.get("code"),
            "redirect_uri", redirectUri,
            "client_id", CONSOLE_CLIENT,
            "code_verifier", verifier),
        null);
  }

  @Override
  public void close() {
    context.close();
  }

  /** The two filter chains: the provider's endpoints, and its sign-in form for everything else. */
  @EnableWebSecurity
  static class ProviderSecurity {
    @Bean
    @Order(1)
    SecurityFilterChain providerEndpoints(HttpSecurity http) throws Exception {
      http.oauth2AuthorizationServer(
              server -> {
                http.securityMatcher(server.getEndpointsMatcher());
                server.oidc(Customizer.withDefaults());
              })
          .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
          .exceptionHandling(
              exceptions ->
                  exceptions.defaultAuthenticationEntryPointFor(
                      new LoginUrlAuthenticationEntryPoint("/login"),
                      new MediaTypeRequestMatcher(MediaType.TEXT_HTML)))
          .oauth2ResourceServer(resource -> resource.jwt(Customizer.withDefaults()));
      return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain signInForm(HttpSecurity http) throws Exception {
      http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
          .formLogin(Customizer.withDefaults());
      return http.build();
    }
  }

  /** The generic type a bean is looked up by, which a bean registered by class does not carry. */
  private static BeanDefinitionCustomizer typed(ResolvableType type) {
    return definition -> ((RootBeanDefinition) definition).setTargetType(type);
  }

  private static List<RegisteredClient> registered(List<Client> clients) {
    List<RegisteredClient> registered = new ArrayList<>();
    for (Client client : clients) {
      registered.add(
          RegisteredClient.withId(UUID.randomUUID().toString())
              .clientId(client.id())
              .clientSecret("{noop}" + client.secret())
              .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
              .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
              .clientSettings(
                  ClientSettings.builder()
                      .setting(ROLES_SETTING, client.roles())
                      .setting(AUDIENCE_SETTING, client.audience())
                      .build())
              .tokenSettings(
                  TokenSettings.builder().accessTokenTimeToLive(client.lifetime()).build())
              .build());
    }
    registered.add(
        RegisteredClient.withId(UUID.randomUUID().toString())
            .clientId(CONSOLE_CLIENT)
            .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
            .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
            .redirectUri(CONSOLE_REDIRECT_URI)
            .scope(OidcScopes.OPENID)
            .scope(OidcScopes.PROFILE)
            .clientSettings(
                ClientSettings.builder()
                    .requireProofKey(true)
                    .requireAuthorizationConsent(false)
                    .setting(AUDIENCE_SETTING, AUDIENCE)
                    .build())
            .build());
    return registered;
  }

  /**
   * Pier's claims: {@code aud} and {@code roles} on access tokens; for a user also {@code
   * preferred_username}, on the ID token too.
   */
  private static OAuth2TokenCustomizer<JwtEncodingContext> tokenClaims() {
    return context -> {
      RegisteredClient client = context.getRegisteredClient();
      boolean forUser =
          !AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType());
      List<String> roles;
      if (forUser) {
        Authentication user = context.getPrincipal();
        roles =
            user.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .filter(authority -> authority.startsWith("ROLE_"))
                .map(authority -> authority.substring("ROLE_".length()))
                .toList();
      } else {
        roles = client.getClientSettings().getSetting(ROLES_SETTING);
      }
      boolean accessToken = OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType());
      boolean idToken = OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue());
      if (accessToken) {
        String audience = client.getClientSettings().getSetting(AUDIENCE_SETTING);
        context.getClaims().audience(List.of(audience));
      }
      if (accessToken || idToken) {
        context.getClaims().claim("roles", roles);
        if (forUser) {
          context.getClaims().claim("preferred_username", context.getPrincipal().getName());
        }
      }
    };
  }

  private static RSAKey rsaKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      return new RSAKey.Builder((RSAPublicKey) pair.getPublic())
          .privateKey((RSAPrivateKey) pair.getPrivate())
          .keyID(UUID.randomUUID().toString())
          .build();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has RSA", e);
    }
  }

  private JsonNode post(String path, Map<String, String> parameters, String authorization) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(issuer.resolve(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form(parameters)));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> answer = send(http, request);
      require(answer.statusCode() == 200, "the token endpoint issues a token", answer);
      return JSON.readTree(answer.body());
    }
  }

  private HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(issuer.resolve(path)).GET();
  }

  private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void require(boolean condition, String what, HttpResponse<String> answer) {
    if (!condition) {
      throw new AssertionError(
          "expected that "
              + what
              + ", but "
              + answer.request().method()
              + " "
              + answer.uri()
              + " answered "
              + answer.statusCode()
              + " "
              + answer.headers().map()
              + "\n"
              + answer.body());
    }
  }

  private static String form(Map<String, String> parameters) {
    return parameters.entrySet().stream()
        .map(
            entry ->
                URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String pair : uri.getRawQuery().split("&")) {
      int equals = pair.indexOf('=');
      parameters.put(
          URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
    }
    return parameters;
  }

  private static String randomText() {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  private static String challenge(String verifier) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
