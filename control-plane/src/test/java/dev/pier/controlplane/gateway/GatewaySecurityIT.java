package dev.pier.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.controlplane.runtimes.RuntimeAccess;
import dev.pier.controlplane.runtimes.RuntimeCredentials;
import dev.pier.controlplane.testing.ApiClient;
import dev.pier.controlplane.testing.ApiClient.Response;
import dev.pier.controlplane.testing.Awaiting;
import dev.pier.controlplane.testing.ExampleModels;
import dev.pier.controlplane.testing.RunningControlPlane;
import dev.pier.controlplane.testing.RuntimeJar;
import dev.pier.oip.tls.PemFile;
import dev.pier.oip.tls.PemTls;
import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import dev.pier.runtime.grpc.proto.ModelInferResponse;
import dev.pier.testing.tls.TestCertificates;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * TLS and tokens on the whole data path, with certificates a test authority issued: the control
 * plane serves HTTPS ({@code server.ssl.*}); its local runtime registers over it, serves REST and
 * gRPC over mutual TLS and requires the generated auth token; the scheduler loads a model into it
 * (the runtime downloads the artifact over HTTPS with its registration token) and the gateway
 * serves REST and gRPC inference through it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewaySecurityIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String REGISTRATION_TOKEN = "gateway-security-it-registration";
  private static final String SETOSA =
      """
      {"inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 4],
                   "data": [5.1, 3.5, 1.4, 0.2]}]}
      """;

  @TempDir static Path pierHome;
  @TempDir static Path certificates;
  private static TestCertificates authority;
  private static RunningControlPlane controlPlane;
  private static ApiClient api;
  private static SSLContext trustingAuthority;

  @BeforeAll
  static void start() {
    authority = TestCertificates.authority(certificates, "pier");
    TestCertificates.Issued server = authority.issue("control-plane", "RSA");
    TestCertificates.Issued runtime = authority.issue("runtime", "EC");
    TestCertificates.Issued gateway = authority.issue("gateway", "EC");
    controlPlane =
        RunningControlPlane.start(
            "pier.home=" + pierHome,
            "server.ssl.certificate=" + server.certificate(),
            "server.ssl.certificate-private-key=" + server.privateKey(),
            "pier.runtimes.local.count=1",
            "pier.runtimes.local.jar=" + RuntimeJar.path(),
            "pier.runtimes.lost-after=3s",
            "pier.runtimes.registration-token=" + REGISTRATION_TOKEN,
            "pier.runtimes.local.tls-certificate=" + runtime.certificate(),
            "pier.runtimes.local.tls-private-key=" + runtime.privateKey(),
            "pier.runtimes.local.tls-client-ca=" + authority.certificate(),
            "pier.runtimes.tls.trust-certificates=" + authority.certificate(),
            "pier.runtimes.tls.client-certificate=" + gateway.certificate(),
            "pier.runtimes.tls.client-private-key=" + gateway.privateKey(),
            "pier.gateway.tls-certificate=" + server.certificate(),
            "pier.gateway.tls-private-key=" + server.privateKey());
    trustingAuthority = PemTls.sslContext(null, trust());
    api = controlPlane.api(trustingAuthority);
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  @Order(1)
  void theLocalRuntimeRegistersOverHttpsAndAdvertisesTls() {
    Awaiting.until(
        "the local runtime is READY",
        WAIT,
        () -> readyServer() != null,
        () -> api.get("/api/v1/servers").toString() + "\n" + runtimeLog());
    JsonNode server = readyServer();

    assertThat(server.get("restUrl").asString()).startsWith("https://127.0.0.1:");
    assertThat(server.get("grpcTls").asBoolean()).isTrue();
    assertThat(server.get("metricsUrl").asString()).startsWith("http://");
    assertThat(runtimeLog())
        .contains("registering with https://127.0.0.1:" + api.port() + " as local-1")
        .contains("tls=mutual")
        .contains("auth=bearer");
  }

  @Test
  @Order(2)
  void theSchedulerLoadsAModelAndTheGatewayServesRestThroughMutualTls() {
    assertThat(api.postJson("/api/v1/models", "{\"name\": \"iris\"}").status()).isEqualTo(201);
    Response uploaded =
        api.upload("/api/v1/models/iris/versions", ExampleModels.bytes(ExampleModels.iris()), null);
    assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
    Response created =
        api.postJson(
            "/api/v1/endpoints", "{\"name\": \"flowers\", \"model\": \"iris\", \"version\": 1}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);

    Awaiting.until(
        "iris version 1 is READY on the TLS runtime",
        WAIT,
        () -> api.get("/api/v1/endpoints/flowers/placements").text().contains("\"READY\""),
        () -> api.get("/api/v1/endpoints/flowers/placements") + "\n" + runtimeLog());
    Awaiting.until(
        "the gateway serves the endpoint",
        WAIT,
        () -> infer().status() == 200,
        () -> infer().toString());

    Response answer = infer();
    assertThat(answer.json().get("model_name").asString()).isEqualTo("flowers");
    assertThat(GatewayIT.label(answer.json())).isEqualTo(1);
  }

  @Test
  @Order(3)
  void theGatewayServesGrpcOverTlsAndForwardsThroughATlsChannelWithTheToken() throws Exception {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1",
                controlPlane.bean(GrpcGateway.class).port(),
                TlsChannelCredentials.newBuilder().trustManager(trust()).build())
            .build();
    try {
      Metadata credentials = new Metadata();
      credentials.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), api.authorization());
      ModelInferResponse answer =
          GRPCInferenceServiceGrpc.newBlockingStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(credentials))
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .modelInfer(GatewayGrpcIT.setosa("flowers", ""));
      assertThat(answer.getModelName()).isEqualTo("flowers");
      assertThat(answer.getOutputsList())
          .filteredOn(output -> output.getName().equals("label"))
          .singleElement()
          .satisfies(
              label -> assertThat(label.getContents().getInt64ContentsList()).containsExactly(1L));
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(4)
  void theRuntimeRefusesCallersWithoutTheTokenOrWithoutACertificate() throws Exception {
    String restUrl = readyServer().get("restUrl").asString();
    KeyManager[] gatewayCertificate =
        PemTls.keyManagers(
            new PemFile("gateway", certificates.resolve("gateway-chain.pem")),
            new PemFile("gateway-key", certificates.resolve("gateway-key.pem")));
    HttpClient withCertificate =
        HttpClient.newBuilder().sslContext(PemTls.sslContext(gatewayCertificate, trust())).build();

    HttpResponse<String> anonymous =
        withCertificate.send(
            HttpRequest.newBuilder(URI.create(restUrl + "/v2/models/iris/infer"))
                .POST(HttpRequest.BodyPublishers.ofString(SETOSA))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
    HttpResponse<String> authorized =
        withCertificate.send(
            HttpRequest.newBuilder(URI.create(restUrl + "/v2/models/iris/infer"))
                .header("Authorization", controlPlane.bean(RuntimeAccess.class).authorization())
                .POST(HttpRequest.BodyPublishers.ofString(SETOSA))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(authorized.statusCode()).as(authorized.body()).isEqualTo(200);
    HttpResponse<String> health =
        withCertificate.send(
            HttpRequest.newBuilder(URI.create(restUrl + "/v2/health/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);

    HttpClient withoutCertificate = HttpClient.newBuilder().sslContext(trustingAuthority).build();
    assertThatThrownBy(
            () ->
                withoutCertificate.send(
                    HttpRequest.newBuilder(URI.create(restUrl + "/v2/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  @Order(5)
  void artifactDownloadsRecogniseTheRuntimesTokenOnly() {
    RuntimeCredentials credentials = controlPlane.bean(RuntimeCredentials.class);

    assertThat(credentials.isRuntime("Bearer " + REGISTRATION_TOKEN)).isTrue();
    assertThat(credentials.isRuntime(controlPlane.bean(RuntimeAccess.class).authorization()))
        .as("the token the control plane presents to runtimes is not a runtime's")
        .isFalse();
    assertThat(credentials.isRuntime(null)).isFalse();
  }

  @Test
  @Order(6)
  void noSecretAppearsInApiAnswersOrTheRuntimesLog() {
    String authToken = controlPlane.bean(RuntimeAccess.class).authToken();
    String servers = api.get("/api/v1/servers").text();
    String placements = api.get("/api/v1/placements").text();

    for (String secret : new String[] {authToken, REGISTRATION_TOKEN}) {
      assertThat(servers).doesNotContain(secret);
      assertThat(placements).doesNotContain(secret);
      assertThat(runtimeLog()).doesNotContain(secret);
    }
    assertThat(runtimeLog()).doesNotContain("PRIVATE KEY");
  }

  private static JsonNode readyServer() {
    Response servers = api.get("/api/v1/servers");
    if (servers.status() != 200) {
      return null;
    }
    for (JsonNode server : servers.json()) {
      if (server.get("state").asString().equals("READY")) {
        return server;
      }
    }
    return null;
  }

  private static Response infer() {
    return api.postJson("/v2/models/flowers/infer", SETOSA);
  }

  private static String runtimeLog() {
    try {
      Path log = pierHome.resolve("runtimes/local-1/runtime.log");
      return Files.exists(log) ? Files.readString(log) : "(no runtime log yet)";
    } catch (IOException e) {
      return "(runtime log unreadable: " + e + ")";
    }
  }

  private static TrustManager[] trust() {
    return PemTls.trustManagers(new PemFile("pier test authority", authority.certificate()));
  }
}
