package dev.pier.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.controlplane.gateway.GrpcGateway;
import dev.pier.controlplane.testing.Accounts;
import dev.pier.controlplane.testing.ApiClient;
import dev.pier.controlplane.testing.ApiClient.Response;
import dev.pier.controlplane.testing.Awaiting;
import dev.pier.controlplane.testing.GrpcCalls;
import dev.pier.controlplane.testing.Iris;
import dev.pier.controlplane.testing.RunningControlPlane;
import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.pier.runtime.grpc.proto.ModelInferRequest;
import dev.pier.runtime.grpc.proto.ModelMetadataRequest;
import dev.pier.runtime.grpc.proto.ServerLiveRequest;
import dev.pier.runtime.grpc.proto.ServerReadyRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Who may use the gateway, over REST and gRPC, against a real control plane and one real runtime:
 * inference needs credentials and ANALYST (or the endpoint's own {@code inferenceRoles}), metadata
 * VIEWER, and health none.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayAccessIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String INFER = "/v2/models/flowers/infer";
  private static final String SETOSA = Iris.SETOSA;

  @TempDir static Path pierHome;
  private static RunningControlPlane controlPlane;
  private static ApiClient admin;
  private static ApiClient viewer;
  private static ApiClient analyst;
  private static ApiClient dataScientist;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() {
    controlPlane = RunningControlPlane.withLocalRuntime(pierHome, "15s", "gateway-access-it-token");
    admin = controlPlane.api();
    ApiClient administrator = Accounts.administrator(controlPlane.anonymousApi());
    viewer = Accounts.tokenClient(administrator, "viewer", Role.VIEWER);
    analyst = Accounts.tokenClient(administrator, "analyst", Role.ANALYST);
    dataScientist = Accounts.tokenClient(administrator, "data-scientist", Role.DATA_SCIENTIST);
    Iris.register(admin, "flowers");
    Awaiting.until(
        "the endpoint serves",
        WAIT,
        () -> admin.postJson(INFER, SETOSA).status() == 200,
        () -> admin.get("/api/v1/placements").toString());
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", controlPlane.bean(GrpcGateway.class).port())
            .usePlaintext()
            .build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  @Order(1)
  void restInferenceNeedsCredentialsAndTheAnalystRole() {
    Response anonymous = admin.anonymous().postJson(INFER, SETOSA);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(anonymous.json().get("error").asString()).contains("credentials");
    Response wrong = admin.withBearer("pier_not-a-token").postJson(INFER, SETOSA);
    assertThat(wrong.status()).isEqualTo(401);

    Response viewerInfers = viewer.postJson(INFER, SETOSA);
    assertThat(viewerInfers.status()).isEqualTo(403);
    assertThat(viewerInfers.header("Content-Type")).startsWith("application/json");
    assertThat(viewerInfers.json().get("error").asString()).contains("ANALYST");
    Response metadata = viewer.get("/v2/models/flowers");
    assertThat(metadata.status()).as(metadata.toString()).isEqualTo(200);
    assertThat(metadata.json().get("name").asString()).isEqualTo("flowers");
    assertThat(viewer.get("/v2/models/flowers/ready").status()).isEqualTo(200);

    Response analystInfers = analyst.postJson(INFER, SETOSA);
    assertThat(analystInfers.status()).as(analystInfers.toString()).isEqualTo(200);
    assertThat(analystInfers.json().get("model_name").asString()).isEqualTo("flowers");

    // Every refused attempt is on record too, without its (unread) payload.
    List<JsonNode> refused = new ArrayList<>();
    Awaiting.until(
        "the refused inferences' audit records",
        WAIT,
        () -> {
          refused.clear();
          admin
              .get("/api/v1/audit/records?endpoint=flowers&outcome=failure&pageSize=100")
              .json()
              .get("records")
              .forEach(
                  record -> {
                    int status = record.get("status").asInt();
                    if (status == 401 || status == 403) {
                      refused.add(record);
                    }
                  });
          return refused.size() >= 3;
        },
        refused::toString);
    List<String> attempts = new ArrayList<>();
    for (JsonNode record : refused) {
      assertThat(record.get("inputs")).as(record.toString()).isNull();
      attempts.add(record.get("status").asInt() + " " + record.get("actor").asString());
    }
    assertThat(attempts)
        .containsExactlyInAnyOrder("401 anonymous", "401 anonymous", "403 token:viewer");
  }

  @Test
  @Order(2)
  void grpcInferenceNeedsCredentialsAndTheAnalystRole() {
    GRPCInferenceServiceBlockingStub anonymous = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    StatusRuntimeException unauthenticated = failure(() -> anonymous.modelInfer(setosa()));
    assertThat(unauthenticated.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(unauthenticated.getStatus().getDescription()).contains("authorization");
    StatusRuntimeException wrong =
        failure(() -> stub("Bearer pier_not-a-token").modelInfer(setosa()));
    assertThat(wrong.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    StatusRuntimeException metadataWithout =
        failure(
            () ->
                anonymous.modelMetadata(
                    ModelMetadataRequest.newBuilder().setName("flowers").build()));
    assertThat(metadataWithout.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);

    StatusRuntimeException denied = failure(() -> stub(viewer).modelInfer(setosa()));
    assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(denied.getStatus().getDescription()).contains("ANALYST");
    assertThat(
            stub(viewer)
                .modelMetadata(ModelMetadataRequest.newBuilder().setName("flowers").build())
                .getName())
        .isEqualTo("flowers");

    assertThat(stub(analyst).modelInfer(setosa()).getModelName()).isEqualTo("flowers");

    // The call without credentials is on record as well, without the endpoint it did not get to
    // name (its message is not read).
    Awaiting.until(
        "the anonymous gRPC inference on record",
        WAIT,
        () -> {
          for (JsonNode record :
              admin
                  .get("/api/v1/audit/records?actor=anonymous&outcome=failure&pageSize=100")
                  .json()
                  .get("records")) {
            if (record.get("endpoint") == null || record.get("endpoint").isNull()) {
              return record.get("status").asInt() == 401
                  && record.get("error").asString().contains("credentials");
            }
          }
          return false;
        },
        () -> admin.get("/api/v1/audit/records?actor=anonymous").toString());

    // The refused gRPC inference is on record beside the REST one, with its caller.
    Awaiting.until(
        "the viewer's refused gRPC inference on record",
        WAIT,
        () ->
            admin
                    .get(
                        "/api/v1/audit/records?endpoint=flowers&outcome=failure"
                            + "&actor=token:viewer&pageSize=10")
                    .json()
                    .get("records")
                    .size()
                == 2,
        () -> admin.get("/api/v1/audit/records?actor=token:viewer").toString());
  }

  @Test
  @Order(3)
  void inferenceRolesOfAnEndpointRestrictItsInferenceAtOnce() {
    Response restricted =
        admin.patchJson("/api/v1/endpoints/flowers", "{\"inferenceRoles\": [\"DATA_SCIENTIST\"]}");
    assertThat(restricted.status()).as(restricted.toString()).isEqualTo(200);
    assertThat(restricted.json().get("inferenceRoles").toString()).contains("DATA_SCIENTIST");
    try {
      Response analystInfers = analyst.postJson(INFER, SETOSA);
      assertThat(analystInfers.status()).as(analystInfers.toString()).isEqualTo(403);
      assertThat(analystInfers.json().get("error").asString()).contains("DATA_SCIENTIST");
      StatusRuntimeException overGrpc = failure(() -> stub(analyst).modelInfer(setosa()));
      assertThat(overGrpc.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

      assertThat(dataScientist.postJson(INFER, SETOSA).status()).isEqualTo(200);
      assertThat(stub(dataScientist).modelInfer(setosa()).getModelName()).isEqualTo("flowers");
      assertThat(admin.postJson(INFER, SETOSA).status())
          .as("ADMIN includes DATA_SCIENTIST")
          .isEqualTo(200);
      assertThat(analyst.get("/v2/models/flowers").status())
          .as("reading the metadata still needs only VIEWER")
          .isEqualTo(200);
    } finally {
      Response reset = admin.patchJson("/api/v1/endpoints/flowers", "{\"inferenceRoles\": []}");
      assertThat(reset.status()).as(reset.toString()).isEqualTo(200);
    }
    assertThat(analyst.postJson(INFER, SETOSA).status())
        .as("an empty set goes back to every ANALYST")
        .isEqualTo(200);
  }

  @Test
  @Order(4)
  void healthStaysOpen() {
    ApiClient anonymous = admin.anonymous();
    assertThat(anonymous.get("/v2/health/live").status()).isEqualTo(200);
    assertThat(anonymous.get("/v2/health/ready").status()).isEqualTo(200);
    Response server = anonymous.get("/v2");
    assertThat(server.status()).as(server.toString()).isEqualTo(200);
    assertThat(server.json().get("name").asString()).isEqualTo("pier-gateway");
    assertThat(server.json().get("extensions").get(0).asString()).isEqualTo("health");
    Response posted = anonymous.postJson("/v2", "{}");
    assertThat(posted.status()).as(posted.toString()).isEqualTo(405);
    assertThat(posted.json().get("error").asString()).contains("POST");

    GRPCInferenceServiceBlockingStub withoutCredentials =
        GRPCInferenceServiceGrpc.newBlockingStub(channel);
    assertThat(withoutCredentials.serverLive(ServerLiveRequest.getDefaultInstance()).getLive())
        .isTrue();
    assertThat(withoutCredentials.serverReady(ServerReadyRequest.getDefaultInstance()).getReady())
        .isTrue();
    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  /**
   * A bearer token on a plain model path is checked by the gateway itself, past the servlet filter
   * chain; an {@code Origin} header or a percent-encoded path takes the chain. Callers see no
   * difference.
   */
  @Test
  @Order(5)
  void bearerCallersAreAnsweredAlikePastOrThroughTheFilterChain() {
    Response straight = analyst.postJson(INFER, SETOSA);
    Response withOrigin = analyst.postJson(INFER, SETOSA, "Origin", "https://app.example.com");
    Response encoded = analyst.postJson("/v2/models/flow%65rs/infer", SETOSA);
    for (Response answer : List.of(straight, withOrigin, encoded)) {
      assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
      assertThat(answer.header("Pier-Target")).isEqualTo("stable");
      assertThat(answer.json().get("outputs")).isEqualTo(straight.json().get("outputs"));
    }

    Response refusedStraight = viewer.postJson(INFER, SETOSA);
    Response refusedThrough = viewer.postJson(INFER, SETOSA, "Origin", "https://app.example.com");
    for (Response answer : List.of(refusedStraight, refusedThrough)) {
      assertThat(answer.status()).as(answer.toString()).isEqualTo(403);
      assertThat(answer.json().get("error").asString()).contains("ANALYST");
    }
    Response wrongStraight = admin.withBearer("pier_not-a-token").postJson(INFER, SETOSA);
    assertThat(wrongStraight.status()).isEqualTo(401);
    assertThat(wrongStraight.header("WWW-Authenticate")).startsWith("Bearer");
  }

  private static GRPCInferenceServiceBlockingStub stub(ApiClient caller) {
    return stub(caller.authorization());
  }

  private static GRPCInferenceServiceBlockingStub stub(String authorization) {
    return GrpcCalls.authorizedBy(GRPCInferenceServiceGrpc.newBlockingStub(channel), authorization);
  }

  private static ModelInferRequest setosa() {
    return Iris.setosa("flowers", "");
  }

  private static StatusRuntimeException failure(Runnable call) {
    return GrpcCalls.failure(call);
  }
}
