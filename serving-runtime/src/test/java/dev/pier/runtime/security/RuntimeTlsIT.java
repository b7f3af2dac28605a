package dev.pier.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.oip.tls.PemFile;
import dev.pier.oip.tls.PemTls;
import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import dev.pier.runtime.testing.GrpcRequests;
import dev.pier.runtime.testing.ModelRepositories;
import dev.pier.runtime.testing.Oip;
import dev.pier.runtime.testing.RuntimeProcess;
import dev.pier.testing.tls.TestCertificates;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real runtime processes serving REST and gRPC over TLS with certificates a test authority issued:
 * one with TLS (an RSA certificate), one with mutual TLS and a bearer token (an EC certificate);
 * and the runtime refusing to start on bad TLS files, naming the setting.
 */
class RuntimeTlsIT {
  private static final String TOKEN = "runtime-tls-it-token";

  @TempDir static Path certificates;
  @TempDir static Path repository;
  private static TestCertificates authority;
  private static TestCertificates.Issued client;
  private static RuntimeProcess tls;
  private static RuntimeProcess mutual;

  @BeforeAll
  static void start() {
    authority = TestCertificates.authority(certificates, "runtime-tls");
    TestCertificates.Issued rsa = authority.issue("runtime-rsa", "RSA");
    TestCertificates.Issued ec = authority.issue("runtime-ec", "EC");
    client = authority.issue("gateway", "EC");
    ModelRepositories.copy(repository, "iris");
    tls =
        RuntimeProcess.start(
            repository,
            "--tls-certificate",
            rsa.certificate().toString(),
            "--tls-private-key",
            rsa.privateKey().toString());
    mutual =
        RuntimeProcess.start(
            repository,
            Map.of("PIER_AUTH_TOKEN", TOKEN),
            "--tls-certificate",
            ec.certificate().toString(),
            "--tls-private-key",
            ec.privateKey().toString(),
            "--tls-client-ca",
            authority.certificate().toString());
  }

  @AfterAll
  static void stop() {
    for (RuntimeProcess runtime : new RuntimeProcess[] {tls, mutual}) {
      if (runtime != null) {
        runtime.close();
      }
    }
  }

  @Test
  void restAndGrpcServeTls() throws Exception {
    HttpClient https = HttpClient.newBuilder().sslContext(trusting(null)).build();
    HttpResponse<String> answer =
        https.send(infer(tls, null), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(Oip.inferResponse(answer).output("label").data()).containsExactly(1L);
    assertThat(tls.output()).contains("tls=on");

    List<Long> labels = withChannel(tls, credentials(null), RuntimeTlsIT::inferLabel);
    assertThat(labels).containsExactly(1L);
  }

  @Test
  void plaintextClientsCannotTalkToATlsRuntime() {
    HttpClient plain =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    assertThatThrownBy(
            () ->
                plain.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + tls.httpPort() + "/v2/health/live"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);

    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", tls.grpcPort()).usePlaintext().build();
    try {
      assertThatThrownBy(
              () ->
                  GRPCInferenceServiceGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(10, TimeUnit.SECONDS)
                      .modelInfer(GrpcRequests.irisSetosa()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              failure ->
                  assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void mutualTlsServesClientsWithACertificateAndTheToken() throws Exception {
    KeyManager[] certificate =
        PemTls.keyManagers(
            new PemFile("client-certificate", client.certificate()),
            new PemFile("client-key", client.privateKey()));
    HttpClient https = HttpClient.newBuilder().sslContext(trusting(certificate)).build();

    HttpResponse<String> answer =
        https.send(infer(mutual, "Bearer " + TOKEN), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    HttpResponse<String> withoutToken =
        https.send(infer(mutual, null), HttpResponse.BodyHandlers.ofString());
    assertThat(withoutToken.statusCode()).isEqualTo(401);
    assertThat(mutual.output()).contains("tls=mutual").doesNotContain(TOKEN);

    List<Long> labels =
        withChannel(
            mutual,
            credentials(certificate),
            channel ->
                inferLabel(
                    GRPCInferenceServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(RuntimeSecurityIT.bearer("Bearer " + TOKEN))));
    assertThat(labels).containsExactly(1L);
  }

  @Test
  void mutualTlsRefusesClientsWithoutACertificate() {
    HttpClient anonymous = HttpClient.newBuilder().sslContext(trusting(null)).build();
    assertThatThrownBy(
            () ->
                anonymous.send(
                    infer(mutual, "Bearer " + TOKEN), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);

    assertThatThrownBy(
            () ->
                withChannel(
                    mutual,
                    credentials(null),
                    channel ->
                        HealthGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance())))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            failure ->
                assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void badTlsFilesStopStartupNamingTheSetting() {
    TestCertificates.Issued other = authority.issue("other", "EC");
    Path missing = certificates.resolve("missing.pem");

    RuntimeProcess.Exited noFile =
        RuntimeProcess.refusing(
            repository,
            "--tls-certificate",
            missing.toString(),
            "--tls-private-key",
            other.privateKey().toString());
    assertThat(noFile.exitCode()).isEqualTo(2);
    assertThat(noFile.output()).contains("pier-runtime: tls-certificate: " + missing);

    RuntimeProcess.Exited wrongKey =
        RuntimeProcess.refusing(
            repository,
            "--tls-certificate",
            other.certificate().toString(),
            "--tls-private-key",
            client.privateKey().toString());
    assertThat(wrongKey.exitCode()).isEqualTo(2);
    assertThat(wrongKey.output()).contains("tls-private-key: ").contains("does not belong");

    RuntimeProcess.Exited keyAsCa =
        RuntimeProcess.refusing(
            repository,
            "--tls-certificate",
            other.certificate().toString(),
            "--tls-private-key",
            other.privateKey().toString(),
            "--tls-client-ca",
            other.privateKey().toString());
    assertThat(keyAsCa.exitCode()).isEqualTo(2);
    assertThat(keyAsCa.output()).contains("tls-client-ca: ").doesNotContain("listening");
  }

  private static HttpRequest infer(RuntimeProcess runtime, String authorization) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + runtime.httpPort() + "/v2/models/iris/infer"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Oip.IRIS_SETOSA));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request.build();
  }

  private static SSLContext trusting(KeyManager[] certificate) {
    return PemTls.sslContext(certificate, trust());
  }

  private static TrustManager[] trust() {
    return PemTls.trustManagers(new PemFile("trust", authority.certificate()));
  }

  private static ChannelCredentials credentials(KeyManager[] certificate) {
    TlsChannelCredentials.Builder credentials =
        TlsChannelCredentials.newBuilder().trustManager(trust());
    if (certificate != null) {
      credentials.keyManager(certificate);
    }
    return credentials.build();
  }

  private static <T> T withChannel(
      RuntimeProcess runtime, ChannelCredentials credentials, Function<ManagedChannel, T> call) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", runtime.grpcPort(), credentials).build();
    try {
      return call.apply(channel);
    } finally {
      channel.shutdownNow();
    }
  }

  private static List<Long> inferLabel(ManagedChannel channel) {
    return inferLabel(GRPCInferenceServiceGrpc.newBlockingStub(channel));
  }

  private static List<Long> inferLabel(
      GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub) {
    return stub.withDeadlineAfter(30, TimeUnit.SECONDS)
        .modelInfer(GrpcRequests.irisSetosa())
        .getOutputs(0)
        .getContents()
        .getInt64ContentsList();
  }
}
