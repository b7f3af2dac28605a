package dev.pier.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import dev.pier.controlplane.gateway.GrpcGateway;
import dev.pier.controlplane.testing.ApiClient;
import dev.pier.controlplane.testing.ApiClient.Response;
import dev.pier.controlplane.testing.Awaiting;
import dev.pier.controlplane.testing.GrpcCalls;
import dev.pier.controlplane.testing.Iris;
import dev.pier.controlplane.testing.RunningControlPlane;
import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import dev.pier.runtime.grpc.proto.ModelReadyRequest;
import dev.pier.testing.oidc.OidcProvider;
import dev.pier.testing.oidc.OidcProvider.Client;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Bearer JWTs from a real OIDC provider (Spring Authorization Server, started by the test) against
 * a real control plane: a token opens what its roles allow, over the API and the gateway; an
 * expired one, one for another audience and one with a wrong signature are refused with a problem;
 * the provider's role names are mapped; and the control plane starts while the provider is down.
 */
class OidcIT {
  private static final Client VIEWER = Client.of("viewer", "VIEWER");
  private static final Client OPERATORS = Client.of("operators", "pier-operators", "staff");
  private static final Client NOBODY = Client.of("nobody", "pier-unknown-group");
  private static final Client SHORT_LIVED =
      Client.of("short-lived", "VIEWER").withLifetime(Duration.ofSeconds(5));
  private static final Client ELSEWHERE =
      Client.of("elsewhere", "ADMIN").withAudience("another-application");
  private static final String SETOSA = Iris.SETOSA;

  @TempDir static Path pierHome;
  @TempDir static Path otherHome;
  private static OidcProvider provider;
  private static RunningControlPlane controlPlane;
  private static ApiClient admin;

  @BeforeAll
  static void start() {
    provider = OidcProvider.start(VIEWER, OPERATORS, NOBODY, SHORT_LIVED, ELSEWHERE);
    controlPlane =
        RunningControlPlane.start(
            "pier.home=" + pierHome,
            "pier.security.oidc.issuer-uri=" + provider.issuer(),
            "pier.security.oidc.audience=" + OidcProvider.AUDIENCE,
            "pier.security.oidc.clock-skew=0s",
            "pier.security.oidc.role-mapping.pier-operators=OPERATOR");
    admin = controlPlane.api();
    Iris.register(admin, "flowers");
    Awaiting.until(
        "the gateway knows the endpoint",
        Duration.ofSeconds(30),
        () -> admin.get("/v2/models/flowers/ready").status() == 503,
        () -> admin.get("/v2/models/flowers/ready").toString());
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  @Test
  void aViewersTokenReadsButChangesNothing() {
    ApiClient viewer = as(VIEWER);

    JsonNode me = viewer.get("/api/v1/me").json();
    assertThat(me.get("name").asString()).isEqualTo("viewer");
    assertThat(me.get("kind").asString()).isEqualTo("OIDC");
    assertThat(texts(me.get("roles"))).containsExactly("VIEWER");

    Response models = viewer.get("/api/v1/models");
    assertThat(models.status()).as(models.toString()).isEqualTo(200);
    assertThat(models.text()).contains("iris");

    Response create = viewer.postJson("/api/v1/models", "{\"name\": \"not-allowed\"}");
    assertThat(create.status()).isEqualTo(403);
    assertThat(create.header("Content-Type")).startsWith("application/problem+json");
    assertThat(create.json().get("code").asString()).isEqualTo("ACCESS_DENIED");
    assertThat(create.json().get("detail").asString()).contains("DATA_SCIENTIST");
    assertThat(admin.get("/api/v1/models/not-allowed").status()).isEqualTo(404);
  }

  @Test
  void theProvidersRoleNamesAreMappedAndUnknownOnesGrantNothing() {
    ApiClient operator = as(OPERATORS);
    assertThat(texts(operator.get("/api/v1/me").json().get("roles"))).containsExactly("OPERATOR");
    Response promote =
        operator.postJson("/api/v1/endpoints/flowers/rollout/promote", "{\"reason\": \"oidc\"}");
    assertThat(promote.status()).as("allowed, but there is no canary: %s", promote).isEqualTo(409);
    Response register = operator.postJson("/api/v1/models", "{\"name\": \"by-an-operator\"}");
    assertThat(register.status()).as(register.toString()).isEqualTo(403);

    ApiClient nobody = as(NOBODY);
    assertThat(nobody.get("/api/v1/me").json().get("roles").isEmpty()).isTrue();
    Response read = nobody.get("/api/v1/models");
    assertThat(read.status()).isEqualTo(403);
    assertThat(read.json().get("detail").asString()).contains("VIEWER");
  }

  @Test
  void aUserSignedInThroughTheConsoleClientIsNamedByTheUsernameClaim() {
    JsonNode tokens =
        provider.signInThroughTheConsoleClient(OidcProvider.USER, OidcProvider.USER_PASSWORD);
    assertThat(tokens.get("id_token").asString()).isNotBlank();
    ApiClient alice = admin.withBearer(tokens.get("access_token").asString());

    JsonNode me = alice.get("/api/v1/me").json();
    assertThat(me.get("name").asString()).isEqualTo(OidcProvider.USER);
    assertThat(texts(me.get("roles"))).containsExactly("ANALYST");
    Response infer = alice.postJson("/v2/models/flowers/infer", SETOSA);
    assertThat(infer.status())
        .as("allowed to infer, but no runtime serves the endpoint: %s", infer)
        .isEqualTo(503);
  }

  @Test
  void theGatewayTakesTheTokenOverRestAndGrpc() throws InterruptedException {
    String token = provider.accessToken(VIEWER);
    ApiClient viewer = admin.withBearer(token);

    Response ready = viewer.get("/v2/models/flowers/ready");
    assertThat(ready.status()).as("allowed, and not ready: %s", ready).isEqualTo(503);
    Response infer = viewer.postJson("/v2/models/flowers/infer", SETOSA);
    assertThat(infer.status()).isEqualTo(403);
    assertThat(infer.json().get("error").asString()).contains("ANALYST");
    Response anonymous = admin.anonymous().get("/v2/models/flowers/ready");
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.json().has("error")).isTrue();

    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", controlPlane.bean(GrpcGateway.class).port())
            .usePlaintext()
            .build();
    try {
      boolean servable =
          GrpcCalls.authorizedBy(
                  GRPCInferenceServiceGrpc.newBlockingStub(channel), "Bearer " + token)
              .modelReady(ModelReadyRequest.newBuilder().setName("flowers").build())
              .getReady();
      assertThat(servable).as("answered, and not ready").isFalse();
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anExpiredTokenIsRefused() {
    String token = provider.accessToken(SHORT_LIVED);
    ApiClient shortLived = admin.withBearer(token);
    Instant expiry = Instant.ofEpochSecond(claims(token).get("exp").asLong());
    // Checked at once, well inside its lifetime (times in a JWT are whole seconds).
    Response fresh = shortLived.get("/api/v1/models");
    assertThat(fresh.status()).as(fresh.toString()).isEqualTo(200);

    Awaiting.until(
        "the token's own expiry has passed",
        Duration.ofSeconds(30),
        () -> Instant.now().isAfter(expiry),
        () -> "exp " + expiry);

    assertRefused(shortLived.get("/api/v1/models"));
  }

  @Test
  void aTokenForAnotherAudienceIsRefused() {
    String token = provider.accessToken(ELSEWHERE);
    assertThat(texts(claims(token).get("aud"))).containsExactly("another-application");

    assertRefused(admin.withBearer(token).get("/api/v1/models"));
    Response gateway = admin.withBearer(token).get("/v2/models/flowers/ready");
    assertThat(gateway.status()).as(gateway.toString()).isEqualTo(401);
    assertThat(gateway.json().get("error").asString()).contains("not valid");
  }

  @Test
  void aTokenWithAWrongSignatureIsRefused() throws Exception {
    String token = provider.accessToken(VIEWER);
    assertThat(admin.withBearer(token).get("/api/v1/models").status()).isEqualTo(200);

    // The same header and claims, signed by a key the provider does not have under its key id.
    SignedJWT genuine = SignedJWT.parse(token);
    RSAKey otherKey = new RSAKeyGenerator(2048).keyID(provider.keyId()).generate();
    SignedJWT forged = new SignedJWT(genuine.getHeader(), genuine.getJWTClaimsSet());
    forged.sign(new RSASSASigner(otherKey));
    assertRefused(admin.withBearer(forged.serialize()).get("/api/v1/models"));

    // The genuine token with one bit of its signature flipped.
    String[] parts = token.split("\\.");
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    signature[signature.length / 2] ^= 0x01;
    String altered =
        parts[0]
            + "."
            + parts[1]
            + "."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    assertRefused(admin.withBearer(altered).get("/api/v1/models"));
  }

  @Test
  void theControlPlaneStartsWhileTheProviderIsDownAndTakesItsTokensOnceItIsUp() {
    int port = OidcProvider.freePort();
    Client lateViewer = Client.of("late-viewer", "VIEWER");
    try (RunningControlPlane started =
        RunningControlPlane.start(
            "pier.home=" + otherHome,
            "pier.security.oidc.issuer-uri=" + OidcProvider.issuerOn(port),
            "pier.security.oidc.audience=" + OidcProvider.AUDIENCE)) {
      ApiClient api = started.anonymousApi();
      // A JWT cannot be checked while the provider is unreachable: refused, not a server error.
      assertRefused(api.withBearer(provider.accessToken(VIEWER)).get("/api/v1/models"));

      try (OidcProvider late = OidcProvider.startOn(port, lateViewer)) {
        Response models = api.withBearer(late.accessToken(lateViewer)).get("/api/v1/models");
        assertThat(models.status()).as(models.toString()).isEqualTo(200);
      }
    }
  }

  private static ApiClient as(Client client) {
    return admin.withBearer(provider.accessToken(client));
  }

  /** A 401 problem, as the API answers a token it does not take. */
  private static void assertRefused(Response response) {
    assertThat(response.status()).as(response.toString()).isEqualTo(401);
    assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.json().get("code").asString()).isEqualTo("UNAUTHENTICATED");
    assertThat(response.json().get("status").asInt()).isEqualTo(401);
  }

  private static JsonNode claims(String jwt) {
    return tools.jackson.databind.json.JsonMapper.builder()
        .build()
        .readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    if (array.isArray()) {
      array.forEach(value -> texts.add(value.asString()));
    } else {
      texts.add(array.asString());
    }
    return texts;
  }
}
