package dev.pier.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import dev.pier.controlplane.testing.ApiClient;
import dev.pier.controlplane.testing.ApiClient.Response;
import dev.pier.controlplane.testing.Awaiting;
import dev.pier.controlplane.testing.ExampleModels;
import dev.pier.controlplane.testing.GrpcCalls;
import dev.pier.controlplane.testing.Iris;
import dev.pier.controlplane.testing.IrisEndpoint;
import dev.pier.controlplane.testing.RunningControlPlane;
import dev.pier.controlplane.testing.RuntimeJar;
import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import dev.pier.runtime.grpc.proto.InferTensorContents;
import dev.pier.runtime.grpc.proto.ModelInferRequest;
import dev.pier.runtime.grpc.proto.ModelInferResponse;
import dev.pier.runtime.grpc.proto.ModelMetadataRequest;
import dev.pier.runtime.grpc.proto.ModelMetadataResponse;
import dev.pier.runtime.grpc.proto.ModelReadyRequest;
import dev.pier.runtime.grpc.proto.RepositoryIndexRequest;
import dev.pier.runtime.grpc.proto.ServerMetadataRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The gateway's OIP gRPC API against a real control plane (embedded PostgreSQL) and real runtime
 * processes: one endpoint served over gRPC, then a second replica killed under gRPC load, then the
 * endpoint's traffic policy over gRPC: a sticky canary, a fallback for a failing canary and shadow
 * copies, all counted in the rollout's statistics with their predictions.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayGrpcIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String TOKEN = "gateway-grpc-it-token";
  private static final float[] SETOSA = {5.1f, 3.5f, 1.4f, 0.2f};
  private static final String ROLLOUT = "/api/v1/endpoints/flowers/rollout";

  @TempDir static Path pierHome;
  @TempDir static Path secondRuntime;
  private static RunningControlPlane controlPlane;
  private static ApiClient api;
  private static ManagedChannel channel;
  private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub gateway;

  @BeforeAll
  static void start() {
    controlPlane = RunningControlPlane.withLocalRuntime(pierHome, "3s", TOKEN);
    api = controlPlane.api();
    IrisEndpoint.create(api, "flowers");

    int port = controlPlane.bean(GrpcGateway.class).port();
    assertThat(port).isPositive();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    // The gateway needs the caller's credentials, as over REST: the administrator's API token.
    gateway =
        GrpcCalls.authorizedBy(
            GRPCInferenceServiceGrpc.newBlockingStub(channel), api.authorization());
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
  void typedContentsAreServedUnderTheEndpointsName() {
    ModelInferResponse answer = awaitServed();

    assertThat(answer.getModelName()).isEqualTo("flowers");
    assertThat(answer.getModelVersion()).isEqualTo("1");
    assertThat(typedLabel(answer)).isEqualTo(1);

    assertThat(
            gateway
                .modelReady(ModelReadyRequest.newBuilder().setName("flowers").build())
                .getReady())
        .isTrue();
    ModelMetadataResponse metadata =
        gateway.modelMetadata(ModelMetadataRequest.newBuilder().setName("flowers").build());
    assertThat(metadata.getName()).isEqualTo("flowers");
    assertThat(metadata.getInputsList())
        .extracting(ModelMetadataResponse.TensorMetadata::getName)
        .containsExactly("features");
    assertThat(gateway.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName())
        .isEqualTo("pier-gateway");
    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  @Order(2)
  void rawContentsComeBackRaw() {
    ByteBuffer features = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    for (float feature : SETOSA) {
      features.putFloat(feature);
    }
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("flowers")
            .addInputs(
                ModelInferRequest.InferInputTensor.newBuilder()
                    .setName("features")
                    .setDatatype("FP32")
                    .addShape(1)
                    .addShape(4))
            .addRawInputContents(ByteString.copyFrom(features.array()))
            .build();

    ModelInferResponse answer = gateway.modelInfer(request);

    assertThat(answer.getModelName()).isEqualTo("flowers");
    int label = outputIndex(answer, "label");
    ByteString raw = answer.getRawOutputContents(label);
    assertThat(raw.size()).isEqualTo(8); // one INT64
    assertThat(raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(1);
  }

  @Test
  @Order(3)
  void aVersionIsPinnedLikeTheRestPath() {
    ModelInferResponse pinned = gateway.modelInfer(setosa("flowers", "1"));
    assertThat(pinned.getModelName()).isEqualTo("flowers");
    assertThat(pinned.getModelVersion()).isEqualTo("1");
    assertThat(
            gateway
                .modelReady(
                    ModelReadyRequest.newBuilder().setName("flowers").setVersion("1").build())
                .getReady())
        .isTrue();

    StatusRuntimeException notServed = failure(() -> gateway.modelInfer(setosa("flowers", "7")));
    assertThat(notServed.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(notServed.getStatus().getDescription()).contains("flowers").contains("version 7");
    StatusRuntimeException notANumber =
        failure(() -> gateway.modelInfer(setosa("flowers", "latest")));
    assertThat(notANumber.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(notANumber.getStatus().getDescription()).contains("'latest'");
  }

  @Test
  @Order(4)
  void errorsAreClearAndTheRuntimesBadInputAnswerPassesThrough() {
    StatusRuntimeException unknown = failure(() -> gateway.modelInfer(setosa("nowhere", "")));
    assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(unknown.getStatus().getDescription()).isEqualTo("unknown endpoint 'nowhere'");
    StatusRuntimeException unknownReady =
        failure(
            () -> gateway.modelReady(ModelReadyRequest.newBuilder().setName("nowhere").build()));
    assertThat(unknownReady.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    StatusRuntimeException unknownMetadata =
        failure(
            () ->
                gateway.modelMetadata(
                    ModelMetadataRequest.newBuilder().setName("nowhere").build()));
    assertThat(unknownMetadata.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

    ModelInferRequest threeFeatures =
        ModelInferRequest.newBuilder()
            .setModelName("flowers")
            .addInputs(
                ModelInferRequest.InferInputTensor.newBuilder()
                    .setName("features")
                    .setDatatype("FP32")
                    .addShape(1)
                    .addShape(3)
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addFp32Contents(5.1f)
                            .addFp32Contents(3.5f)
                            .addFp32Contents(1.4f)))
            .build();
    StatusRuntimeException badInput = failure(() -> gateway.modelInfer(threeFeatures));
    assertThat(badInput.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(badInput.getStatus().getDescription()).contains("features");

    StatusRuntimeException repository =
        failure(() -> gateway.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()));
    assertThat(repository.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  @Test
  @Order(5)
  void aSecondReplicaDiesUnderGrpcLoadWithoutAFailedRequestAndItsChannelIsClosed()
      throws Exception {
    Process byHand =
        RuntimeJar.start(
            secondRuntime,
            "--control-plane-url",
            "http://127.0.0.1:" + api.port(),
            "--control-plane-token",
            TOKEN,
            "--server-name",
            "by-hand",
            "--heartbeat-interval",
            "1s");
    RuntimeChannels channels = controlPlane.bean(RuntimeChannels.class);
    try {
      Response changed = api.patchJson("/api/v1/endpoints/flowers", "{\"replicas\": 2}");
      assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
      Awaiting.until(
          "version 1 is READY on both runtimes",
          WAIT,
          () -> servers().equals(List.of("by-hand:READY", "local-1:READY")),
          () -> api.get("/api/v1/placements").toString());
      Map<UUID, String> grpcTargets = grpcTargets();
      UUID byHandId = serverId("by-hand");
      UUID localId = serverId("local-1");

      List<String> failures = new ArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      int clients = 4;
      ExecutorService load = Executors.newFixedThreadPool(clients);
      List<Future<Integer>> sent = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        sent.add(
            load.submit(
                () -> {
                  int count = 0;
                  // Bounded: dropping the placement takes seconds; this is far more than needed.
                  while (!stop.get() && count < 20_000) {
                    try {
                      ModelInferResponse answer = gateway.modelInfer(setosa("flowers", ""));
                      if (typedLabel(answer) != 1 || !answer.getModelName().equals("flowers")) {
                        synchronized (failures) {
                          failures.add(answer.toString());
                        }
                      }
                    } catch (StatusRuntimeException e) {
                      synchronized (failures) {
                        failures.add(e.getStatus().toString());
                      }
                    }
                    count++;
                  }
                  return count;
                }));
      }
      try {
        // With several requests in flight, least-outstanding sends some to each replica, so both
        // persistent channels are open before the kill.
        Awaiting.until(
            "the gateway has a channel to each replica",
            WAIT,
            () -> channels.open().keySet().containsAll(List.of(byHandId, localId)),
            () -> channels.open().toString());
        assertThat(channels.open()).containsEntry(byHandId, grpcTargets.get(byHandId));
        byHand.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        Awaiting.until(
            "the dead runtime's placement is dropped",
            WAIT,
            () -> servers().equals(List.of("local-1:READY")),
            () -> api.get("/api/v1/placements").toString());
        Awaiting.until(
            "the dead runtime's channel is closed",
            WAIT,
            () -> !channels.open().containsKey(byHandId),
            () -> channels.open().toString());
      } finally {
        stop.set(true);
        load.shutdown();
      }
      int total = 0;
      for (Future<Integer> count : sent) {
        total += count.get();
      }
      assertThat(total).isPositive();
      assertThat(failures).isEmpty();
      assertThat(channels.open()).containsOnlyKeys(localId);
      assertThat(gateway.modelInfer(setosa("flowers", "")).getModelName()).isEqualTo("flowers");
    } finally {
      byHand.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static ModelInferResponse awaitServed() {
    Object[] last = new Object[1];
    Awaiting.until(
        "the gateway serves the endpoint over gRPC",
        WAIT,
        () -> {
          try {
            last[0] = gateway.modelInfer(setosa("flowers", ""));
            return true;
          } catch (StatusRuntimeException e) {
            last[0] = e.getStatus();
            return false;
          }
        },
        () -> last[0] + "\n" + api.get("/api/v1/placements"));
    return (ModelInferResponse) last[0];
  }

  @Test
  @Order(6)
  void aStickyCanarySplitsGrpcCallsByTheirMetadataAndCountsThem() {
    Response second =
        api.upload("/api/v1/models/iris/versions", ExampleModels.bytes(ExampleModels.iris()), null);
    assertThat(second.status()).as(second.toString()).isEqualTo(201);
    Response started =
        api.postJson(
            "/api/v1/endpoints/flowers/rollout/canary",
            "{\"version\": 2, \"weightBasisPoints\": 5000, \"stickyHeader\": \"X-User\"}");
    assertThat(started.status()).as(started.toString()).isEqualTo(200);
    Awaiting.until(
        "the canary serves",
        Duration.ofSeconds(60),
        () ->
            api.get("/api/v1/endpoints/flowers/rollout")
                .json()
                .get("canary")
                .get("state")
                .asString()
                .equals("SERVING"),
        () -> api.get("/api/v1/placements").toString());

    Metadata.Key<String> user = Metadata.Key.of("x-user", Metadata.ASCII_STRING_MARSHALLER);
    Set<String> seen = new HashSet<>();
    for (int caller = 0; caller < 30; caller++) {
      Metadata headers = new Metadata();
      headers.put(user, "user-" + caller);
      GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub =
          gateway.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
      Set<String> versions = new HashSet<>();
      for (int repeat = 0; repeat < 3; repeat++) {
        versions.add(stub.modelInfer(setosa("flowers", "")).getModelVersion());
      }
      assertThat(versions).as("versions serving user-%d", caller).hasSize(1);
      seen.addAll(versions);
    }
    assertThat(seen).containsExactlyInAnyOrder("1", "2");
    JsonNode comparison = api.get(ROLLOUT + "/comparison").json();
    JsonNode targets = comparison.get("targets");
    long stable = targets.get("stable").get("requests").asLong();
    long canary = targets.get("canary").get("requests").asLong();
    assertThat(stable + canary).isGreaterThanOrEqualTo(90);
    // Every answer's label (class 1) was read from the gRPC answers into the class shares.
    assertThat(classCounts(targets.get("stable"))).containsExactly(0L, stable);
    assertThat(classCounts(targets.get("canary"))).containsExactly(0L, canary);
    JsonNode classes = metric(comparison, "classDistribution");
    assertThat(classes.get("stable").asDouble()).isEqualTo(1.0);
    assertThat(classes.get("canary").asDouble()).isEqualTo(1.0);
    assertThat(api.postJson(ROLLOUT + "/abort", "{}").status()).isEqualTo(200);
  }

  @Test
  @Order(7)
  void aFallbackAnswersForAFailingCanaryOverGrpcAndTheMetadataSaysSo() {
    Response uploaded =
        api.upload(
            "/api/v1/models/iris/versions", ExampleModels.bytes(ExampleModels.alwaysFails()), null);
    assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
    int failing = uploaded.json().get("number").asInt();
    putRollout("/fallback", "{\"version\": 2}");
    Response started =
        api.postJson(
            ROLLOUT + "/canary", "{\"version\": " + failing + ", \"weightBasisPoints\": 10000}");
    assertThat(started.status()).as(started.toString()).isEqualTo(200);
    awaitRollout("the canary serves", rollout -> serving(rollout, "canary"));
    awaitRollout("the fallback serves", rollout -> serving(rollout, "fallback"));

    for (int i = 0; i < 20; i++) {
      Called called = call(setosa("flowers", ""));
      assertThat(called.failure()).as("the caller gets an answer").isNull();
      assertThat(called.answer().getModelName()).isEqualTo("flowers");
      assertThat(called.answer().getModelVersion()).isEqualTo("2");
      assertThat(typedLabel(called.answer())).isEqualTo(1);
      assertThat(called.target()).isEqualTo("fallback");
    }
    // A pinned version never falls back: its own failure, named in the trailers.
    Called pinned = call(setosa("flowers", Integer.toString(failing)));
    assertThat(pinned.failure()).isNotNull();
    assertThat(GrpcGatewayService.serverFailure(pinned.failure().getStatus().getCode()))
        .as("%s is the server's failure", pinned.failure().getStatus())
        .isTrue();
    assertThat(pinned.target()).isEqualTo("pinned");

    JsonNode targets = api.get(ROLLOUT + "/comparison").json().get("targets");
    assertThat(targets.get("canary").get("errors").asLong()).isGreaterThanOrEqualTo(20);
    assertThat(targets.get("fallback").get("requests").asLong()).isGreaterThanOrEqualTo(20);
    assertThat(targets.get("fallback").get("errors").asLong()).isZero();
    assertThat(classCounts(targets.get("fallback")).get(1)).isGreaterThanOrEqualTo(20L);

    // Without a fallback the canary's failure reaches the caller, named like any answer.
    putRollout("/fallback", "{}");
    Called[] last = new Called[1];
    Awaiting.until(
        "calls fail once the fallback is gone",
        WAIT,
        () -> {
          last[0] = call(setosa("flowers", ""));
          return last[0].failure() != null;
        },
        () -> String.valueOf(last[0]));
    assertThat(GrpcGatewayService.serverFailure(last[0].failure().getStatus().getCode())).isTrue();
    assertThat(last[0].target()).isEqualTo("canary");
    assertThat(api.postJson(ROLLOUT + "/abort", "{}").status()).isEqualTo(200);
  }

  @Test
  @Order(8)
  void aShadowGetsCopiesOfGrpcCallsAndItsOutcomeAndAgreementAreRecorded() {
    putRollout("/shadow", "{\"version\": 2, \"percent\": 100}");
    awaitRollout("the shadow serves", rollout -> serving(rollout, "shadow"));
    int calls = 50;
    for (int i = 0; i < calls; i++) {
      Called called = call(setosa("flowers", ""));
      assertThat(called.failure()).isNull();
      assertThat(called.answer().getModelVersion())
          .as("the caller gets the primary's answer")
          .isEqualTo("1");
      assertThat(called.target()).isEqualTo("stable");
    }
    JsonNode shadow = awaitShadow(copy -> copy.get("shadowCompared").asLong() >= calls);
    assertThat(shadow.get("requests").asLong()).isGreaterThanOrEqualTo(calls);
    assertThat(shadow.get("errors").asLong()).isZero();
    assertThat(shadow.get("shadowAgreementRate").asDouble()).isEqualTo(1.0);
    assertThat(shadow.get("shadowDropped").asLong()).isZero();
    assertThat(classCounts(shadow).get(1)).isGreaterThanOrEqualTo(calls);

    // A shadow that fails: its errors are recorded, and the callers never notice.
    int failing = api.get("/api/v1/models/iris").json().get("latestVersion").asInt();
    putRollout("/shadow", "{\"version\": " + failing + ", \"percent\": 100}");
    awaitRollout("the failing shadow serves", rollout -> serving(rollout, "shadow"));
    for (int i = 0; i < 20; i++) {
      Called called = call(setosa("flowers", ""));
      assertThat(called.failure()).isNull();
      assertThat(called.answer().getModelVersion()).isEqualTo("1");
    }
    JsonNode failingShadow = awaitShadow(copy -> copy.get("errors").asLong() >= 20);
    assertThat(failingShadow.get("shadowCompared").asLong())
        .as("a new shadow version starts from zero; a failed copy is not compared")
        .isZero();
    putRollout("/shadow", "{}");
  }

  /** A call's answer or failure, and the metadata it came back with. */
  private record Called(
      ModelInferResponse answer,
      StatusRuntimeException failure,
      Metadata headers,
      Metadata trailers) {
    /** The pier-target the gateway sent: in the headers of an answer, the trailers of an error. */
    String target() {
      String target = headers == null ? null : headers.get(GrpcGatewayService.TARGET);
      return target != null || trailers == null ? target : trailers.get(GrpcGatewayService.TARGET);
    }
  }

  private static Called call(ModelInferRequest request) {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub =
        gateway.withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
    try {
      ModelInferResponse answer = stub.modelInfer(request);
      return new Called(answer, null, headers.get(), trailers.get());
    } catch (StatusRuntimeException e) {
      return new Called(null, e, headers.get(), trailers.get());
    }
  }

  private static void putRollout(String path, String json) {
    Response changed =
        api.send(
            "PUT",
            ROLLOUT + path,
            "application/json",
            json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
  }

  private static boolean serving(JsonNode rollout, String target) {
    JsonNode state = rollout.get(target);
    return state != null && !state.isNull() && state.get("state").asString().equals("SERVING");
  }

  private static void awaitRollout(String description, Predicate<JsonNode> condition) {
    JsonNode[] last = new JsonNode[1];
    Awaiting.until(
        description,
        WAIT,
        () -> {
          last[0] = api.get(ROLLOUT).json();
          return condition.test(last[0]);
        },
        () -> last[0] + "\n" + api.get("/api/v1/placements"));
  }

  /** The shadow target's statistics once {@code condition} holds for them. */
  private static JsonNode awaitShadow(Predicate<JsonNode> condition) {
    JsonNode[] shadow = new JsonNode[1];
    Awaiting.until(
        "the shadow's copies are recorded",
        WAIT,
        () -> {
          shadow[0] = api.get(ROLLOUT + "/comparison").json().get("targets").get("shadow");
          return shadow[0] != null && condition.test(shadow[0]);
        },
        () -> String.valueOf(shadow[0]));
    return shadow[0];
  }

  private static List<Long> classCounts(JsonNode target) {
    List<Long> counts = new ArrayList<>();
    for (JsonNode count : target.get("classCounts")) {
      counts.add(count.asLong());
    }
    return counts;
  }

  private static JsonNode metric(JsonNode comparison, String name) {
    for (JsonNode metric : comparison.get("comparison").get("metrics")) {
      if (metric.get("metric").asString().equals(name)) {
        return metric;
      }
    }
    throw new AssertionError("no " + name + " in " + comparison);
  }

  static ModelInferRequest setosa(String endpoint, String version) {
    return Iris.setosa(endpoint, version);
  }

  private static long typedLabel(ModelInferResponse answer) {
    return answer.getOutputs(outputIndex(answer, "label")).getContents().getInt64Contents(0);
  }

  private static int outputIndex(ModelInferResponse answer, String name) {
    for (int i = 0; i < answer.getOutputsCount(); i++) {
      if (answer.getOutputs(i).getName().equals(name)) {
        return i;
      }
    }
    throw new AssertionError("no " + name + " output in " + answer);
  }

  private static StatusRuntimeException failure(Runnable call) {
    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(failure).as("the call fails").isNotNull();
    return failure;
  }

  private static List<String> servers() {
    List<String> servers = new ArrayList<>();
    for (JsonNode placement : api.get("/api/v1/endpoints/flowers/placements").json()) {
      servers.add(placement.get("serverName").asString() + ":" + placement.get("state").asString());
    }
    return servers;
  }

  private static UUID serverId(String name) {
    for (JsonNode server : api.get("/api/v1/servers").json()) {
      if (server.get("name").asString().equals(name)) {
        return UUID.fromString(server.get("id").asString());
      }
    }
    throw new AssertionError("no server " + name);
  }

  private static Map<UUID, String> grpcTargets() {
    Map<UUID, String> targets = new java.util.HashMap<>();
    for (JsonNode server : api.get("/api/v1/servers").json()) {
      targets.put(
          UUID.fromString(server.get("id").asString()), server.get("grpcTarget").asString());
    }
    return targets;
  }
}
