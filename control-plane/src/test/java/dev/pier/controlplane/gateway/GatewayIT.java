package dev.pier.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.controlplane.drivers.DriverProcess;
import dev.pier.controlplane.drivers.LocalProcessDriver;
import dev.pier.controlplane.runtimes.RuntimeAccess;
import dev.pier.controlplane.testing.ApiClient;
import dev.pier.controlplane.testing.ApiClient.Response;
import dev.pier.controlplane.testing.Awaiting;
import dev.pier.controlplane.testing.ExampleModels;
import dev.pier.controlplane.testing.InferenceLoad;
import dev.pier.controlplane.testing.RunningControlPlane;
import dev.pier.controlplane.testing.RuntimeJar;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Endpoints, the scheduler and the gateway against a real control plane (embedded PostgreSQL) and a
 * real runtime process started by the local driver: one endpoint goes through its life in order
 * (placed, served, changed under load, its runtime killed).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SETOSA =
      """
      {"inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 4],
                   "data": [5.1, 3.5, 1.4, 0.2]}]}
      """;

  private static final String TOKEN = "gateway-it-token";

  @TempDir static Path pierHome;
  @TempDir static Path secondRuntime;
  private static RunningControlPlane controlPlane;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    controlPlane = RunningControlPlane.withLocalRuntime(pierHome, "3s", TOKEN);
    api = controlPlane.api();
    assertThat(api.postJson("/api/v1/models", "{\"name\": \"iris\"}").status()).isEqualTo(201);
    assertThat(upload().status()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  @Order(1)
  void anEndpointIsPlacedAndServedThroughTheGatewayUnderItsOwnName() {
    Response created =
        api.postJson(
            "/api/v1/endpoints", "{\"name\": \"flowers\", \"model\": \"iris\", \"version\": 1}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().get("replicas").asInt()).isEqualTo(1);
    assertThat(created.json().get("timeout").asString()).isEqualTo("PT30S");

    Awaiting.until(
        "iris version 1 is READY on a runtime",
        WAIT,
        () -> placementStates("flowers").equals(List.of("1:READY")),
        () -> api.get("/api/v1/placements").toString());
    Response answer = awaitServed();

    assertThat(answer.header("Content-Type")).startsWith("application/json");
    JsonNode body = answer.json();
    assertThat(body.get("model_name").asString()).isEqualTo("flowers");
    assertThat(body.get("model_version").asString()).isEqualTo("1");
    assertThat(label(body)).isEqualTo(1);
    assertThat(api.get("/api/v1/endpoints/flowers").json().get("activeVersion").asInt())
        .isEqualTo(1);

    Response metadata = api.get("/v2/models/flowers");
    assertThat(metadata.status()).as(metadata.toString()).isEqualTo(200);
    assertThat(metadata.json().get("name").asString()).isEqualTo("flowers");
    assertThat(api.get("/v2/models/flowers/ready").status()).isEqualTo(200);
    Response pinned = infer("/v2/models/flowers/versions/1/infer", SETOSA);
    assertThat(pinned.status()).as(pinned.toString()).isEqualTo(200);
  }

  @Test
  @Order(2)
  void errorsAreOipErrorsAndTheRuntimesBadInputAnswerPassesThrough() {
    Response unknown = infer("/v2/models/nowhere/infer", SETOSA);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.header("Content-Type")).startsWith("application/json");
    assertThat(unknown.json().get("error").asString()).contains("nowhere");
    assertThat(api.get("/v2/models/nowhere/ready").status()).isEqualTo(404);

    Response unknownVersion = infer("/v2/models/flowers/versions/7/infer", SETOSA);
    assertThat(unknownVersion.status()).isEqualTo(404);
    assertThat(unknownVersion.json().has("error")).isTrue();

    Response badInput =
        infer(
            "/v2/models/flowers/infer",
            """
            {"inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 3],
                         "data": [5.1, 3.5, 1.4]}]}
            """);
    assertThat(badInput.status()).as(badInput.toString()).isEqualTo(400);
    assertThat(badInput.json().get("error").asString()).contains("features");

    Response wrongMethod = api.delete("/v2/models/flowers/infer");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.json().has("error")).as(wrongMethod.toString()).isTrue();
    assertThat(wrongMethod.header("Content-Type")).doesNotContain("problem");

    Response duplicate =
        api.postJson(
            "/api/v1/endpoints", "{\"name\": \"flowers\", \"model\": \"iris\", \"version\": 1}");
    assertThat(duplicate.status()).isEqualTo(409);
    Response missingVersion =
        api.postJson(
            "/api/v1/endpoints", "{\"name\": \"other\", \"model\": \"iris\", \"version\": 9}");
    assertThat(missingVersion.status()).isEqualTo(404);
    Response badName =
        api.postJson(
            "/api/v1/endpoints", "{\"name\": \"../x\", \"model\": \"iris\", \"version\": 1}");
    assertThat(badName.status()).isEqualTo(400);
  }

  @Test
  @Order(3)
  void theBinaryExtensionPassesThroughWithTheHeaderLengthRecomputed() {
    ByteBuffer features = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    features.putFloat(5.1f).putFloat(3.5f).putFloat(1.4f).putFloat(0.2f);
    byte[] header =
        ("{\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 4],"
                + " \"parameters\": {\"binary_data_size\": 16}}],"
                + " \"outputs\": [{\"name\": \"label\", \"parameters\": {\"binary_data\": true}}]}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] body = Arrays.copyOf(header, header.length + 16);
    System.arraycopy(features.array(), 0, body, header.length, 16);

    Response answer =
        api.send(
            "POST",
            "/v2/models/flowers/infer",
            "application/octet-stream",
            body,
            "Inference-Header-Content-Length",
            Integer.toString(header.length));

    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    int jsonLength = Integer.parseInt(answer.header("Inference-Header-Content-Length"));
    JsonNode json = JsonMapper.builder().build().readTree(Arrays.copyOf(answer.body(), jsonLength));
    assertThat(json.get("model_name").asString()).isEqualTo("flowers");
    assertThat(answer.body().length - jsonLength).isEqualTo(8); // one INT64 label
    assertThat(
            ByteBuffer.wrap(answer.body(), jsonLength, 8).order(ByteOrder.LITTLE_ENDIAN).getLong())
        .isEqualTo(1);
  }

  @Test
  @Order(4)
  void changingTheVersionUnderLoadFailsNoRequest() throws Exception {
    assertThat(upload().json().get("number").asInt()).isEqualTo(2);
    try (InferenceLoad load = InferenceLoad.start(api, "/v2/models/flowers/infer", SETOSA)) {
      Awaiting.until(
          "the client has been served by version 1",
          WAIT,
          () -> load.versions().contains("1"),
          () -> "");
      Response changed = api.patchJson("/api/v1/endpoints/flowers", "{\"version\": 2}");
      assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
      assertThat(changed.json().get("version").asInt()).isEqualTo(2);

      Awaiting.until(
          "responses come from version 2",
          WAIT,
          () -> load.versions().contains("2"),
          () -> api.get("/api/v1/placements").toString());
      Awaiting.until(
          "version 1 is unloaded",
          WAIT,
          () -> allPlacementStates().equals(List.of("2:READY")),
          () -> api.get("/api/v1/placements").toString());
      load.assertNoFailure();
      assertThat(load.versions()).containsExactlyInAnyOrder("1", "2");
    }
    String restUrl = api.get("/api/v1/servers").json().get(0).get("restUrl").asString();
    JsonNode index = repositoryIndex(restUrl);
    List<String> loaded = new ArrayList<>();
    for (JsonNode model : index) {
      loaded.add(
          model.get("name").asString()
              + ":"
              + model.get("version").asString()
              + ":"
              + model.get("state").asString());
    }
    assertThat(loaded)
        .as("the runtime's index")
        .contains("iris:2:READY")
        .doesNotContain("iris:1:READY");
    assertThat(api.get("/api/v1/endpoints/flowers").json().get("activeVersion").asInt())
        .isEqualTo(2);
    Response answer = infer("/v2/models/flowers/infer", SETOSA);
    assertThat(answer.json().get("model_version").asString()).isEqualTo("2");
  }

  @Test
  @Order(5)
  void requestsSucceedAgainAfterTheRuntimeIsKilledAndRestarted() {
    LocalProcessDriver driver = controlPlane.bean(LocalProcessDriver.class);
    DriverProcess before = driver.processes().getFirst();
    ProcessHandle.of(before.pid().orElseThrow()).orElseThrow().destroyForcibly();

    Response answer = awaitServed();

    assertThat(driver.processes().getFirst().pid()).isNotEqualTo(before.pid());
    assertThat(answer.json().get("model_version").asString()).isEqualTo("2");
    assertThat(label(answer.json())).isEqualTo(1);
  }

  @Test
  @Order(6)
  void aSecondReplicaDiesUnderLoadWithoutAFailedRequestAndItsPlacementIsDropped() throws Exception {
    Process byHand = startSecondRuntime("by-hand");
    try {
      Response changed = api.patchJson("/api/v1/endpoints/flowers", "{\"replicas\": 2}");
      assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
      Awaiting.until(
          "version 2 is READY on both runtimes",
          WAIT,
          () -> servers("flowers").equals(List.of("by-hand:READY", "local-1:READY")),
          () -> api.get("/api/v1/placements").toString());

      try (InferenceLoad load = InferenceLoad.start(api, "/v2/models/flowers/infer", SETOSA)) {
        byHand.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        Awaiting.until(
            "the dead runtime's placement is dropped",
            WAIT,
            () -> servers("flowers").equals(List.of("local-1:READY")),
            () -> api.get("/api/v1/placements").toString());
        load.assertNoFailure();
      }
    } finally {
      byHand.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(7)
  void loweringReplicasUnderLoadUnloadsTheSurplusWithoutAFailedRequest() throws Exception {
    Process byHand = startSecondRuntime("by-hand-2");
    try {
      Response raised = api.patchJson("/api/v1/endpoints/flowers", "{\"replicas\": 2}");
      assertThat(raised.status()).as(raised.toString()).isEqualTo(200);
      Awaiting.until(
          "version 2 is READY on both runtimes",
          WAIT,
          () -> servers("flowers").equals(List.of("by-hand-2:READY", "local-1:READY")),
          () -> api.get("/api/v1/placements").toString());
      String surplusUrl = restUrl("local-1");

      try (InferenceLoad load = InferenceLoad.start(api, "/v2/models/flowers/infer", SETOSA)) {
        Response lowered = api.patchJson("/api/v1/endpoints/flowers", "{\"replicas\": 1}");
        assertThat(lowered.status()).as(lowered.toString()).isEqualTo(200);
        // READY placements are kept by server name: by-hand-2 stays, local-1 is the surplus.
        Awaiting.until(
            "the surplus replica is unloaded",
            WAIT,
            () -> servers("flowers").equals(List.of("by-hand-2:READY")),
            () -> api.get("/api/v1/placements").toString());
        load.assertNoFailure();
      }
      JsonNode index = repositoryIndex(surplusUrl);
      for (JsonNode model : index) {
        assertThat(model.get("state").asString())
            .as("the surplus server's index %s", index)
            .isNotEqualTo("READY");
      }
    } finally {
      byHand.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static Process startSecondRuntime(String name) {
    return RuntimeJar.start(
        secondRuntime.resolve(name),
        "--control-plane-url",
        "http://127.0.0.1:" + api.port(),
        "--control-plane-token",
        TOKEN,
        "--server-name",
        name,
        "--heartbeat-interval",
        "1s");
  }

  private static String restUrl(String serverName) {
    for (JsonNode server : api.get("/api/v1/servers").json()) {
      if (server.get("name").asString().equals(serverName)) {
        return server.get("restUrl").asString();
      }
    }
    throw new AssertionError("no server " + serverName + ": " + api.get("/api/v1/servers"));
  }

  private static List<String> servers(String endpoint) {
    List<String> servers = new ArrayList<>();
    for (JsonNode placement : api.get("/api/v1/endpoints/" + endpoint + "/placements").json()) {
      servers.add(placement.get("serverName").asString() + ":" + placement.get("state").asString());
    }
    return servers;
  }

  private static Response awaitServed() {
    Response[] last = new Response[1];
    Awaiting.until(
        "the gateway serves the endpoint",
        WAIT,
        () -> {
          last[0] = infer("/v2/models/flowers/infer", SETOSA);
          return last[0].status() == 200;
        },
        () -> last[0] + "\n" + api.get("/api/v1/placements"));
    return last[0];
  }

  private static List<String> placementStates(String endpoint) {
    List<String> states = new ArrayList<>();
    for (JsonNode placement : api.get("/api/v1/endpoints/" + endpoint + "/placements").json()) {
      states.add(placement.get("version").asInt() + ":" + placement.get("state").asString());
    }
    return states;
  }

  private static JsonNode repositoryIndex(String restUrl) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(URI.create(restUrl + "/v2/repository/index"))
                  // Local runtimes serve only callers with the control plane's token.
                  .header("Authorization", controlPlane.bean(RuntimeAccess.class).authorization())
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      return JsonMapper.builder().build().readTree(response.body());
    }
  }

  private static List<String> allPlacementStates() {
    List<String> states = new ArrayList<>();
    for (JsonNode placement : api.get("/api/v1/placements").json()) {
      states.add(placement.get("version").asInt() + ":" + placement.get("state").asString());
    }
    return states;
  }

  static int label(JsonNode body) {
    for (JsonNode output : body.get("outputs")) {
      if (output.get("name").asString().equals("label")) {
        return output.get("data").get(0).asInt();
      }
    }
    throw new AssertionError("no label output in " + body);
  }

  private static Response infer(String path, String body) {
    return api.postJson(path, body);
  }

  private static Response upload() {
    return api.upload(
        "/api/v1/models/iris/versions", ExampleModels.bytes(ExampleModels.iris()), null);
  }
}
