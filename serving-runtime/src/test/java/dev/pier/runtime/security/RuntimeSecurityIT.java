package dev.pier.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import dev.pier.runtime.grpc.proto.ServerMetadataRequest;
import dev.pier.runtime.testing.Awaiting;
import dev.pier.runtime.testing.GrpcRequests;
import dev.pier.runtime.testing.ModelRepositories;
import dev.pier.runtime.testing.Oip;
import dev.pier.runtime.testing.RuntimeProcess;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real runtime process with {@code --auth-token} (from the environment, as a driver passes it):
 * REST and gRPC refuse callers without the token and serve callers with it, while health and
 * metrics stay open.
 */
class RuntimeSecurityIT {
  private static final String TOKEN = "runtime-security-it-token";

  @TempDir static Path repository;
  private static RuntimeProcess runtime;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() {
    ModelRepositories.copy(repository, "iris");
    runtime = RuntimeProcess.start(repository, Map.of("PIER_AUTH_TOKEN", TOKEN));
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", runtime.grpcPort()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  void restRefusesRequestsWithoutTheRightTokenBeforeReadingThem() {
    HttpResponse<String> anonymous = runtime.post("/v2/models/iris/infer", Oip.IRIS_SETOSA);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer realm=\"pier-runtime\"");
    assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(Oip.error(anonymous)).contains("Authorization: Bearer");

    HttpResponse<String> wrong = infer("Bearer not-the-token");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("invalid_token");
    assertThat(Oip.error(wrong)).doesNotContain(TOKEN);

    assertThat(runtime.get("/v2").statusCode()).as("server metadata").isEqualTo(401);
    assertThat(runtime.get("/v2/models/iris").statusCode()).as("model metadata").isEqualTo(401);
    assertThat(runtime.get("/v2/models/iris/ready").statusCode()).isEqualTo(401);
    assertThat(runtime.post("/v2/repository/index", "").statusCode()).isEqualTo(401);
    assertThat(runtime.post("/v2/repository/models/iris/unload", "").statusCode()).isEqualTo(401);
    HttpResponse<String> index =
        runtime.send(
            HttpRequest.newBuilder(runtime.uri("/v2/repository/index"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).as("nothing was unloaded").contains("\"READY\"");
  }

  @Test
  void restServesRequestsWithTheToken() {
    HttpResponse<String> answer = infer("Bearer " + TOKEN);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(Oip.inferResponse(answer).output("label").data()).containsExactly(1L);
  }

  @Test
  void healthAndMetricsNeedNoToken() {
    assertThat(runtime.get("/v2/health/live").statusCode()).isEqualTo(200);
    assertThat(runtime.get("/v2/health/ready").statusCode()).isEqualTo(200);
    assertThat(runtime.get("/v2/health/ready/").statusCode()).isEqualTo(200);
    assertThat(
            runtime
                .send(
                    HttpRequest.newBuilder(runtime.uri("/v2/health/ready"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build())
                .statusCode())
        .as("only GET is a probe")
        .isEqualTo(401);
    HttpResponse<String> metrics =
        runtime.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + runtime.metricsPort() + "/metrics"))
                .GET()
                .build());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("pier_runtime_");
  }

  @Test
  void grpcRefusesCallsWithoutTheRightTokenAsAGoogleRpcStatus() throws Exception {
    var anonymous = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    assertUnauthenticated(() -> anonymous.modelInfer(GrpcRequests.irisSetosa()));
    assertUnauthenticated(
        () -> anonymous.serverMetadata(ServerMetadataRequest.getDefaultInstance()));
    var wrong = anonymous.withInterceptors(bearer("Bearer wrong"));
    assertUnauthenticated(() -> wrong.modelInfer(GrpcRequests.irisSetosa()));
  }

  @Test
  void grpcServesCallsWithTheTokenAndHealthWithout() {
    var stub =
        GRPCInferenceServiceGrpc.newBlockingStub(channel)
            .withInterceptors(bearer("Bearer " + TOKEN))
            .withDeadlineAfter(30, TimeUnit.SECONDS);
    assertThat(stub.modelInfer(GrpcRequests.irisSetosa()).getOutputs(0).getContents())
        .extracting(contents -> contents.getInt64ContentsList())
        .isEqualTo(List.of(1L));

    // The health service refreshes once a second: it answers at once, SERVING soon.
    var health = HealthGrpc.newBlockingStub(channel);
    Awaiting.until(
        "gRPC health reports SERVING without a token",
        Duration.ofSeconds(10),
        () ->
            health.check(HealthCheckRequest.getDefaultInstance()).getStatus()
                == HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void theTokenNeverAppearsInTheOutput() {
    assertThat(runtime.output()).contains("auth=bearer").doesNotContain(TOKEN);
  }

  private static void assertUnauthenticated(Executable call) throws InvalidProtocolBufferException {
    StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, call);
    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    com.google.rpc.Status status = StatusProto.fromThrowable(failure);
    assertThat(status).isNotNull();
    assertThat(status.getMessage()).contains("auth-token").doesNotContain(TOKEN);
    assertThat(status.getDetails(0).unpack(ErrorInfo.class).getReason())
        .isEqualTo("UNAUTHENTICATED");
  }

  static ClientInterceptor bearer(String value) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), value);
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  private static HttpResponse<String> infer(String authorization) {
    return runtime.send(
        HttpRequest.newBuilder(runtime.uri("/v2/models/iris/infer"))
            .header("Content-Type", "application/json")
            .header("Authorization", authorization)
            .POST(HttpRequest.BodyPublishers.ofString(Oip.IRIS_SETOSA))
            .build());
  }
}
