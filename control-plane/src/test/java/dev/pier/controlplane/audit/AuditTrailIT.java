package dev.pier.controlplane.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.controlplane.testing.ApiClient;
import dev.pier.controlplane.testing.ApiClient.Response;
import dev.pier.controlplane.testing.Awaiting;
import dev.pier.controlplane.testing.IrisEndpoint;
import dev.pier.controlplane.testing.RunningControlPlane;
import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import dev.pier.runtime.grpc.proto.InferTensorContents;
import dev.pier.runtime.grpc.proto.ModelInferRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The audit trail end to end against a real control plane (embedded PostgreSQL as the sink) and a
 * real runtime process: inferences over REST and gRPC become one record per batch instance, admin
 * actions arrive, per-endpoint policies redact and sample, every query field finds its records,
 * verification catches rows altered or deleted in {@code audit_record}, export returns every
 * matching record, and a restart on the same home continues the chains.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditTrailIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String TOKEN = "audit-trail-it-token";
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  @TempDir static Path pierHome;
  private static RunningControlPlane controlPlane;
  private static ApiClient api;
  private static Instant started;

  @BeforeAll
  static void start() {
    started = Instant.now().minusSeconds(1);
    controlPlane = RunningControlPlane.withLocalRuntime(pierHome, "3s", TOKEN);
    api = controlPlane.api();
    IrisEndpoint.create(api, "flowers");
    Response[] last = new Response[1];
    Awaiting.until(
        "the gateway serves the endpoint",
        WAIT,
        () -> {
          last[0] = infer("warm-up", 1);
          return last[0].status() == 200;
        },
        () -> String.valueOf(last[0]));
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  @Order(1)
  void restInferenceGivesOneRecordPerInstanceFoundByEveryField() {
    Response answer =
        api.postJson(
            "/v2/models/flowers/infer",
            batch("rest-batch", 3),
            "traceparent",
            "00-" + TRACE + "-00f067aa0ba902b7-01");
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);

    List<JsonNode> records = awaitRecords("requestId=rest-batch", 3);
    JsonNode first = records.get(0);
    String actor = first.get("actor").asString();
    assertThat(actor).isNotBlank();
    for (JsonNode record : records) {
      assertThat(record.get("kind").asString()).isEqualToIgnoringCase("inference");
      assertThat(record.get("endpoint").asString()).isEqualTo("flowers");
      assertThat(record.get("target").asString()).isEqualTo("iris");
      assertThat(record.get("version").asString()).isEqualTo("1");
      assertThat(record.get("outcome").asString()).isEqualToIgnoringCase("success");
      assertThat(record.get("status").asInt()).isEqualTo(200);
      assertThat(record.get("instance_count").asInt()).isEqualTo(3);
      assertThat(record.get("trace_id").asString()).isEqualTo(TRACE);
      assertThat(record.get("actor").asString()).isEqualTo(actor);
      assertThat(record.get("inputs").asString()).contains("features");
    }
    assertThat(records.stream().map(record -> record.get("instance_index").asInt()))
        .containsExactlyInAnyOrder(0, 1, 2);

    String id = first.get("id").asString();
    for (String criterion :
        List.of(
            "kind=inference",
            "endpoint=flowers",
            "version=1",
            "actor=" + encode(actor),
            "action=infer",
            "outcome=success",
            "requestId=rest-batch",
            "text=flowers",
            "from=" + started + "&to=" + Instant.now().plusSeconds(60))) {
      assertThat(allRecords(criterion).stream().map(record -> record.get("id").asString()))
          .as(criterion)
          .contains(id);
    }
    assertThat(allRecords("endpoint=nowhere")).isEmpty();
    assertThat(allRecords("requestId=rest-batch&outcome=failure")).isEmpty();
  }

  @Test
  @Order(2)
  void grpcInferenceIsRecordedLikeRest() throws InterruptedException {
    int port = controlPlane.bean(dev.pier.controlplane.gateway.GrpcGateway.class).port();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), api.authorization());
      InferTensorContents.Builder contents = InferTensorContents.newBuilder();
      for (int row = 0; row < 2; row++) {
        for (float feature : new float[] {5.1f, 3.5f, 1.4f, 0.2f}) {
          contents.addFp32Contents(feature);
        }
      }
      GRPCInferenceServiceGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .modelInfer(
              ModelInferRequest.newBuilder()
                  .setId("grpc-batch")
                  .setModelName("flowers")
                  .addInputs(
                      ModelInferRequest.InferInputTensor.newBuilder()
                          .setName("features")
                          .setDatatype("FP32")
                          .addShape(2)
                          .addShape(4)
                          .setContents(contents))
                  .build());
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    List<JsonNode> records = awaitRecords("requestId=grpc-batch", 2);
    for (JsonNode record : records) {
      assertThat(record.get("endpoint").asString()).isEqualTo("flowers");
      assertThat(record.get("version").asString()).isEqualTo("1");
      assertThat(record.get("outcome").asString()).isEqualToIgnoringCase("success");
      assertThat(record.get("instance_count").asInt()).isEqualTo(2);
      assertThat(record.get("actor").asString()).isNotBlank();
      assertThat(record.get("inputs").asString()).contains("\"features\"").contains("5.1");
      assertThat(record.get("outputs").asString()).contains("label");
    }
  }

  @Test
  @Order(3)
  void failedInferencesAreRecordedWithTheirError() {
    assertThat(
            api.postJson("/v2/models/flowers/infer", "{\"id\": \"broken\", \"inputs\": 7}")
                .status())
        .isEqualTo(400);
    JsonNode record = awaitRecords("requestId=broken", 1).get(0);
    assertThat(record.get("outcome").asString()).isEqualToIgnoringCase("failure");
    assertThat(record.get("status").asInt()).isEqualTo(400);
    assertThat(record.get("error").asString()).isNotBlank();
  }

  @Test
  @Order(4)
  void adminActionsArrive() {
    List<JsonNode> created = awaitRecords("kind=admin&action=endpoint.created", 1);
    assertThat(created.get(0).get("target").asString()).isEqualTo("endpoint:flowers");
    assertThat(created.get(0).get("after").asString()).contains("flowers");
    assertThat(allRecords("kind=admin&action=model.created")).isNotEmpty();
  }

  @Test
  @Order(5)
  void theEndpointsPolicyRedactsKeepsBusinessKeysAndSamples() {
    assertThat(
            api.get("/api/v1/endpoints/flowers/audit-policy")
                .json()
                .get("samplePercent")
                .asDouble())
        .isEqualTo(100);
    Response invalid =
        put(
            "/api/v1/endpoints/flowers/audit-policy",
            "{\"samplePercent\": 101, \"capturePayload\": true}");
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.text()).contains("samplePercent");
    assertThat(
            put(
                    "/api/v1/endpoints/nowhere/audit-policy",
                    "{\"samplePercent\": 100, \"capturePayload\": true}")
                .status())
        .isEqualTo(404);

    putPolicy(
        "{\"samplePercent\": 100, \"capturePayload\": true, \"redactedFields\": [\"label\"],"
            + " \"businessKeyFields\": [\"features\"]}");
    assertThat(infer("redacted", 1).status()).isEqualTo(200);
    JsonNode redacted = awaitRecords("requestId=redacted", 1).get(0);
    assertThat(redacted.get("outputs").asString()).contains("***");
    JsonNode keys = redacted.get("business_keys");
    assertThat(keys.isEmpty()).as(redacted.toString()).isFalse();
    String value = keys.get("features").asString();
    assertThat(allRecords("businessKey=" + encode("features:" + value)))
        .extracting(record -> record.get("request_id").asString())
        .contains("redacted");
    assertThat(allRecords("kind=admin&action=endpoint.audit-policy.changed")).isNotEmpty();

    putPolicy("{\"samplePercent\": 0, \"capturePayload\": true}");
    assertThat(infer("sampled-away", 1).status()).isEqualTo(200);
    putPolicy("{\"samplePercent\": 100, \"capturePayload\": false}");
    assertThat(infer("without-payload", 1).status()).isEqualTo(200);
    JsonNode bare = awaitRecords("requestId=without-payload", 1).get(0);
    assertThat(bare.path("inputs").isMissingNode() || bare.path("inputs").isNull())
        .as(bare.toString())
        .isTrue();
    // One audit thread, in order: the later request is recorded, so the earlier was decided.
    assertThat(allRecords("requestId=sampled-away")).isEmpty();
    putPolicy("{\"samplePercent\": 100, \"capturePayload\": true}");
  }

  @Test
  @Order(6)
  void exportReturnsEveryMatchingRecord() {
    long expected = allRecords("endpoint=flowers").size();
    Response jsonl = api.get("/api/v1/audit/export?format=jsonl&endpoint=flowers");
    assertThat(jsonl.status()).isEqualTo(200);
    assertThat(jsonl.text().lines().filter(line -> !line.isBlank()).count()).isEqualTo(expected);
    Response csv = api.get("/api/v1/audit/export?format=csv&requestId=rest-batch");
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.text().split("\r\n")).hasSize(1 + 3);
    assertThat(api.get("/api/v1/audit/export?format=xml").text()).contains("format");
    assertThat(jsonl.header("X-Total-Count")).isEqualTo(Long.toString(expected));
    assertThat(csv.header("X-Total-Count")).isEqualTo("3");

    // Reading the trail out is itself in the trail: who exported which records, in which format.
    List<JsonNode> exports = awaitRecords("kind=admin&action=audit.exported", 2);
    assertThat(exports)
        .extracting(record -> record.get("target").asString())
        .containsExactly("audit:csv", "audit:jsonl");
    assertThat(exports.get(1).get("error").asString()).isEqualTo("{endpoint=flowers}");
    assertThat(exports.get(1).get("actor").asString()).isNotBlank();
  }

  @Test
  @Order(7)
  void verificationIsIntactThenFindsAlteredAndDeletedRows() {
    JsonNode status = api.get("/api/v1/audit/status").json();
    String stream = status.get("node").asString() + ".inference";
    assertThat(verify(stream).get("intact").asBoolean()).isTrue();
    for (JsonNode all : api.get("/api/v1/audit/verify").json()) {
      assertThat(all.get("intact").asBoolean()).as(all.toString()).isTrue();
    }

    JdbcClient jdbc = JdbcClient.create(controlPlane.bean(DataSource.class));
    String original =
        jdbc.sql("SELECT actor FROM audit_record WHERE stream = ? AND sequence = 2")
            .param(stream)
            .query(String.class)
            .single();
    jdbc.sql("UPDATE audit_record SET actor = 'mallory' WHERE stream = ? AND sequence = 2")
        .param(stream)
        .update();
    JsonNode altered = verify(stream);
    assertThat(altered.get("intact").asBoolean()).isFalse();
    assertThat(altered.get("firstBreak").get("sequence").asLong()).isEqualTo(2);
    assertThat(altered.get("firstBreak").get("problem").asString()).isEqualTo("HASH_MISMATCH");

    jdbc.sql("UPDATE audit_record SET actor = ? WHERE stream = ? AND sequence = 2")
        .params(original, stream)
        .update();
    assertThat(verify(stream).get("intact").asBoolean()).isTrue();
    jdbc.sql("DELETE FROM audit_record WHERE stream = ? AND sequence = 3").param(stream).update();
    JsonNode deleted = verify(stream);
    assertThat(deleted.get("firstBreak").get("sequence").asLong()).isEqualTo(3);
    assertThat(deleted.get("firstBreak").get("problem").asString()).isEqualTo("MISSING");
  }

  @Test
  @Order(8)
  void theTrailContinuesAcrossARestartOnTheSameHome() {
    JsonNode before = api.get("/api/v1/audit/status").json();
    String node = before.get("node").asString();
    String admin = node + ".admin";
    long head = before.get("heads").get(admin).get("sequence").asLong();
    controlPlane.close();
    controlPlane = RunningControlPlane.withLocalRuntime(pierHome, "3s", TOKEN);
    api = controlPlane.api();

    JsonNode after = api.get("/api/v1/audit/status").json();
    assertThat(after.get("node").asString()).isEqualTo(node);
    assertThat(api.postJson("/api/v1/models", "{\"name\": \"after-restart\"}").status())
        .isEqualTo(201);
    JsonNode created = awaitRecords("kind=admin&action=model.created&text=restart", 1).get(0);
    assertThat(created.get("stream").asString()).isEqualTo(admin);
    assertThat(created.get("sequence").asLong()).isGreaterThan(head);
    assertThat(verify(admin).get("intact").asBoolean()).isTrue();
  }

  private static void putPolicy(String json) {
    Response put = put("/api/v1/endpoints/flowers/audit-policy", json);
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
  }

  private static Response put(String path, String json) {
    return api.send("PUT", path, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode verify(String stream) {
    Response verified = api.get("/api/v1/audit/verify?stream=" + encode(stream));
    assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
    return verified.json().get(0);
  }

  private static Response infer(String id, int instances) {
    return api.postJson("/v2/models/flowers/infer", batch(id, instances));
  }

  private static String batch(String id, int instances) {
    StringBuilder data = new StringBuilder();
    for (int row = 0; row < instances; row++) {
      data.append(row == 0 ? "" : ", ").append("5.1, 3.5, 1.4, ").append(0.2 + row);
    }
    return "{\"id\": \""
        + id
        + "\", \"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": ["
        + instances
        + ", 4], \"data\": ["
        + data
        + "]}]}";
  }

  private static List<JsonNode> awaitRecords(String criteria, int count) {
    List<List<JsonNode>> found = new ArrayList<>(List.of(List.of()));
    Awaiting.until(
        count + " audit records with " + criteria,
        WAIT,
        () -> {
          found.set(0, allRecords(criteria));
          return found.get(0).size() >= count;
        },
        () -> found.get(0) + "\n" + api.get("/api/v1/audit/status").text());
    assertThat(found.get(0)).hasSize(count);
    return found.get(0);
  }

  /** Every record matching, page by page (small pages, so the cursor is used). */
  private static List<JsonNode> allRecords(String criteria) {
    List<JsonNode> records = new ArrayList<>();
    String cursor = null;
    do {
      Response page =
          api.get(
              "/api/v1/audit/records?pageSize=2&"
                  + criteria
                  + (cursor == null ? "" : "&cursor=" + encode(cursor)));
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      JsonNode json = page.json();
      json.get("records").forEach(records::add);
      JsonNode next = json.get("nextCursor");
      cursor = next == null || next.isNull() ? null : next.asString();
    } while (cursor != null);
    return records;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
