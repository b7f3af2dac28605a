package dev.pier.controlplane.rollouts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.controlplane.testing.ApiClient;
import dev.pier.controlplane.testing.ApiClient.Response;
import dev.pier.controlplane.testing.Awaiting;
import dev.pier.controlplane.testing.ExampleModels;
import dev.pier.controlplane.testing.InferenceLoad;
import dev.pier.controlplane.testing.RunningControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Rollouts through the real gateway, scheduler and runtime: one endpoint, {@code flowers}, goes
 * through canaries, a promotion and rollbacks, with every answer counted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String ROLLOUT = "/api/v1/endpoints/flowers/rollout";
  private static final String INFER = "/v2/models/flowers/infer";
  private static final String SETOSA =
      """
      {"inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 4],
                   "data": [5.1, 3.5, 1.4, 0.2]}]}
      """;

  @TempDir static Path pierHome;
  private static RunningControlPlane controlPlane;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    controlPlane = RunningControlPlane.withLocalRuntime(pierHome, "15s", "rollout-it-token");
    api = controlPlane.api();
    assertThat(api.postJson("/api/v1/models", "{\"name\": \"iris\"}").status()).isEqualTo(201);
    upload(ExampleModels.iris()); // 1
    upload(ExampleModels.iris()); // 2: the same file, a version of its own
    Response created =
        api.postJson(
            "/api/v1/endpoints", "{\"name\": \"flowers\", \"model\": \"iris\", \"version\": 1}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    Awaiting.until(
        "the endpoint serves version 1",
        WAIT,
        () -> api.postJson(INFER, SETOSA).status() == 200,
        () -> api.get("/api/v1/placements").toString());
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  @Order(1)
  void aCanaryAtTwentyPercentGetsItsShareAndAStickyCallerStaysOnOneVariant() {
    startCanary("{\"version\": 2, \"weightBasisPoints\": 2000, \"reason\": \"try v2\"}");
    awaitCanary("SERVING");

    int requests = 2_000;
    int canary = 0;
    for (int i = 0; i < requests; i++) {
      Response answer = api.postJson(INFER, SETOSA);
      assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
      if (answer.json().get("model_version").asString().equals("2")) {
        canary++;
      }
    }
    // Binomial(2000, 0.2): standard deviation about 18; five of them either side.
    assertThat(canary).isBetween(400 - 90, 400 + 90);
    // The candidate stays reachable by its own route.
    Response pinned = api.postJson("/v2/models/flowers/versions/2/infer", SETOSA);
    assertThat(pinned.status()).as(pinned.toString()).isEqualTo(200);
    assertThat(pinned.json().get("model_version").asString()).isEqualTo("2");

    assertThat(api.postJson(ROLLOUT + "/abort", "{}").status()).isEqualTo(200);
    startCanary("{\"version\": 2, \"weightBasisPoints\": 5000, \"stickyHeader\": \"X-User\"}");
    awaitCanary("SERVING");
    Set<String> variantsSeen = new HashSet<>();
    for (int user = 0; user < 40; user++) {
      Set<String> versions = new HashSet<>();
      for (int repeat = 0; repeat < 3; repeat++) {
        Response answer =
            api.send(
                "POST",
                INFER,
                "application/json",
                SETOSA.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "X-User",
                "user-" + user);
        versions.add(answer.json().get("model_version").asString());
      }
      assertThat(versions).as("the versions user-%d was served by", user).hasSize(1);
      variantsSeen.addAll(versions);
    }
    assertThat(variantsSeen).containsExactlyInAnyOrder("1", "2");
  }

  @Test
  @Order(2)
  void weightChangesPromotionAndRollbackUnderLoadFailNoRequest() throws Exception {
    try (InferenceLoad load = InferenceLoad.start(api, INFER, SETOSA)) {
      Awaiting.until("requests flow", WAIT, () -> load.answered() > 20, () -> "");
      Response weight =
          api.send(
              "PUT",
              ROLLOUT + "/canary/weight",
              "application/json",
              bytes("{\"weightBasisPoints\": 8000}"));
      assertThat(weight.status()).as(weight.toString()).isEqualTo(200);
      assertThat(weight.json().get("canary").get("weightBasisPoints").asInt()).isEqualTo(8000);

      Response promoted = api.postJson(ROLLOUT + "/promote", "{\"reason\": \"v2 is better\"}");
      assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
      assertThat(promoted.json().get("stableVersion").asInt()).isEqualTo(2);
      assertThat(promoted.json().get("activeVersion").asInt()).isEqualTo(2);
      assertThat(promoted.json().get("canary").isNull()).isTrue();
      int answeredAtPromotion = load.answered();
      Awaiting.until(
          "requests after the promotion",
          WAIT,
          () -> load.answered() > answeredAtPromotion + 20,
          () -> "");

      Response rolledBack = api.postJson(ROLLOUT + "/rollback", "{\"reason\": \"v1 after all\"}");
      assertThat(rolledBack.status()).as(rolledBack.toString()).isEqualTo(200);
      assertThat(rolledBack.json().get("stableVersion").asInt()).isEqualTo(1);
      Awaiting.until(
          "version 1 serves again",
          WAIT,
          () -> api.get(ROLLOUT).json().get("activeVersion").asInt() == 1,
          () -> api.get(ROLLOUT) + "\n" + api.get("/api/v1/placements"));
      load.assertNoFailure();
      assertThat(load.versions()).containsExactlyInAnyOrder("1", "2");
    }

    List<String> steps = new ArrayList<>();
    for (JsonNode event : api.get(ROLLOUT + "/history").json()) {
      steps.add(
          event.get("action").asString()
              + ":"
              + event.get("stableBefore").asInt()
              + "->"
              + event.get("stableAfter").asInt());
    }
    assertThat(steps)
        .startsWith("ROLLED_BACK:2->1", "PROMOTED:1->2", "WEIGHT_CHANGED:1->1")
        .endsWith("CANARY_STARTED:1->1", "CREATED:0->1");
    JsonNode promotion = api.get(ROLLOUT + "/history").json().get(1);
    assertThat(promotion.get("reason").asString()).isEqualTo("v2 is better");
    assertThat(promotion.get("actor").asString()).isNotBlank();
  }

  @Test
  @Order(3)
  void staleRevisionsAndImpossibleStepsAreRefusedWithTheReason() {
    long revision = api.get(ROLLOUT).json().get("revision").asLong();
    Response stale =
        api.postJson(
            ROLLOUT + "/canary",
            "{\"version\": 2, \"weightBasisPoints\": 100, \"revision\": " + (revision - 1) + "}");
    assertThat(stale.status()).as(stale.toString()).isEqualTo(412);
    assertThat(stale.json().get("detail").asString()).contains("revision " + revision);

    Response promote = api.postJson(ROLLOUT + "/promote", "{}");
    assertThat(promote.status()).isEqualTo(409);
    assertThat(promote.json().get("detail").asString()).contains("no canary");

    Response unknown = api.postJson(ROLLOUT + "/canary", "{\"version\": 99}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("detail").asString()).contains("99");

    Response tooHeavy =
        api.postJson(ROLLOUT + "/canary", "{\"version\": 2, \"weightBasisPoints\": 10001}");
    assertThat(tooHeavy.status()).isEqualTo(400);
    assertThat(tooHeavy.toString()).contains("weightBasisPoints");

    Response steps =
        api.postJson(
            ROLLOUT + "/canary",
            """
            {"version": 2, "progressive": {"stepsBasisPoints": [500, 300, 10000],
             "interval": "PT10S", "maxErrorRate": 0.01, "maxP99": "PT1S"}}""");
    assertThat(steps.status()).isEqualTo(400);
    assertThat(steps.json().get("detail").asString()).contains("must increase");
    assertThat(api.get(ROLLOUT).json().get("canary").isNull()).as("nothing was started").isTrue();
  }

  @Test
  @Order(4)
  void aCanaryThatCannotBeLoadedIsBlockedWithTheReasonAndTakesNoTraffic() throws Exception {
    Response uploaded = upload(ExampleModels.identity("fp32"));
    int version = uploaded.json().get("number").asInt();
    // The artifact vanishes from the store, so no runtime can load this version.
    String sha256 = uploaded.json().get("sha256").asString();
    try (Stream<Path> files = Files.walk(pierHome.resolve("artifacts"))) {
      for (Path file : files.filter(path -> path.toString().contains(sha256)).toList()) {
        Files.delete(file);
      }
    }
    startCanary("{\"version\": " + version + ", \"weightBasisPoints\": 10000}");
    JsonNode blocked = awaitCanary("BLOCKED");
    assertThat(blocked.get("canary").get("reason").asString()).isNotBlank();

    for (int i = 0; i < 100; i++) {
      Response answer = api.postJson(INFER, SETOSA);
      assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
      assertThat(answer.json().get("model_version").asString()).isEqualTo("1");
    }
    Response promote = api.postJson(ROLLOUT + "/promote", "{}");
    assertThat(promote.status()).isEqualTo(409);
    assertThat(api.postJson(ROLLOUT + "/abort", "{}").status()).isEqualTo(200);
  }

  @Test
  @Order(5)
  void aFallbackAnswersForAFailingCanaryAndSaysSo() {
    int failing = upload(ExampleModels.alwaysFails()).json().get("number").asInt();
    Response fallback =
        api.send("PUT", ROLLOUT + "/fallback", "application/json", bytes("{\"version\": 2}"));
    assertThat(fallback.status()).as(fallback.toString()).isEqualTo(200);
    startCanary("{\"version\": " + failing + ", \"weightBasisPoints\": 10000}");
    awaitCanary("SERVING");
    Awaiting.until(
        "the fallback is ready",
        WAIT,
        () -> api.get(ROLLOUT).json().get("fallback").get("state").asString().equals("SERVING"),
        () -> api.get(ROLLOUT).toString());

    for (int i = 0; i < 20; i++) {
      Response answer = api.postJson(INFER, SETOSA);
      assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
      assertThat(answer.header("Pier-Target")).isEqualTo("fallback");
      assertThat(answer.json().get("model_version").asString()).isEqualTo("2");
    }
    assertThat(api.postJson(ROLLOUT + "/abort", "{}").status()).isEqualTo(200);
    Response cleared = api.send("PUT", ROLLOUT + "/fallback", "application/json", bytes("{}"));
    assertThat(cleared.json().get("fallback").isNull()).isTrue();
  }

  @Test
  @Order(6)
  void aShadowSeesACopyOfTheTrafficAndItsAgreementIsMeasured() {
    Response shadow =
        api.send(
            "PUT",
            ROLLOUT + "/shadow",
            "application/json",
            bytes("{\"version\": 2, \"percent\": 100}"));
    assertThat(shadow.status()).as(shadow.toString()).isEqualTo(200);
    Awaiting.until(
        "the shadow is ready",
        WAIT,
        () -> api.get(ROLLOUT).json().get("shadow").get("state").asString().equals("SERVING"),
        () -> api.get(ROLLOUT).toString());

    for (int i = 0; i < 50; i++) {
      Response answer = api.postJson(INFER, SETOSA);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.json().get("model_version").asString())
          .as("the caller gets the primary's answer")
          .isEqualTo("1");
    }
    JsonNode[] copy = new JsonNode[1];
    Awaiting.until(
        "the shadow's answers are recorded",
        WAIT,
        () -> {
          copy[0] = api.get(ROLLOUT + "/comparison").json().get("targets").get("shadow");
          return copy[0] != null && copy[0].get("shadowCompared").asLong() >= 50;
        },
        () -> String.valueOf(copy[0]));
    assertThat(copy[0].get("shadowAgreementRate").asDouble()).isEqualTo(1.0);

    // The shadow's answer is on record beside the caller's, flagged as the shadow's.
    String identified = SETOSA.replaceFirst("\\{", "{\"id\": \"shadowed-1\",");
    assertThat(api.postJson(INFER, identified).status()).isEqualTo(200);
    JsonNode[] records = new JsonNode[1];
    Awaiting.until(
        "the primary's and the shadow's audit records",
        WAIT,
        () -> {
          records[0] = api.get("/api/v1/audit/records?requestId=shadowed-1").json().get("records");
          return records[0] != null && records[0].size() == 2;
        },
        () -> String.valueOf(records[0]));
    Map<Boolean, JsonNode> byShadow = new HashMap<>();
    records[0].forEach(record -> byShadow.put(record.get("shadow").asBoolean(), record));
    assertThat(byShadow.get(true).get("version").asString()).isEqualTo("2");
    assertThat(byShadow.get(true).get("outputs").asString()).contains("probabilities");
    assertThat(byShadow.get(false).get("version").asString()).isEqualTo("1");
    assertThat(byShadow.get(true).get("actor").asString())
        .isEqualTo(byShadow.get(false).get("actor").asString());

    assertThat(api.send("PUT", ROLLOUT + "/shadow", "application/json", bytes("{}")).status())
        .isEqualTo(200);
  }

  @Test
  @Order(7)
  void aProgressiveCanaryThatFailsItsSloIsRolledBackAutomatically() throws Exception {
    int failing = alwaysFailsVersion();
    startCanary(
        "{\"version\": "
            + failing
            + ", \"progressive\": {\"stepsBasisPoints\": [5000, 10000],"
            + " \"interval\": \"PT60S\", \"maxErrorRate\": 0.05, \"maxP99\": \"PT10S\"}}");
    awaitCanary("SERVING");
    try (InferenceLoad load = InferenceLoad.start(api, INFER, SETOSA)) {
      Awaiting.until(
          "the SLO gate rolls the canary back",
          WAIT,
          () -> api.get(ROLLOUT).json().get("canary").isNull(),
          () -> api.get(ROLLOUT) + "\n" + api.get(ROLLOUT + "/comparison"));
    }
    JsonNode step = api.get(ROLLOUT + "/history").json().get(0);
    assertThat(step.get("action").asString()).isEqualTo("AUTO_ROLLED_BACK");
    assertThat(step.get("reason").asString()).contains("error rate");
    for (int i = 0; i < 20; i++) {
      Response answer = api.postJson(INFER, SETOSA);
      assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    }
  }

  /** The version {@link #aFallbackAnswersForAFailingCanaryAndSaysSo} registered. */
  private static int alwaysFailsVersion() {
    return api.get("/api/v1/models/iris").json().get("latestVersion").asInt();
  }

  private static void startCanary(String json) {
    Response started = api.postJson(ROLLOUT + "/canary", json);
    assertThat(started.status()).as(started.toString()).isEqualTo(200);
  }

  private static JsonNode awaitCanary(String state) {
    JsonNode[] last = new JsonNode[1];
    Awaiting.until(
        "the canary is " + state,
        WAIT,
        () -> {
          last[0] = api.get(ROLLOUT).json();
          return last[0].get("canary").get("state").asString().equals(state);
        },
        () -> last[0] + "\n" + api.get("/api/v1/placements"));
    return last[0];
  }

  private static Response upload(Path model) {
    Response uploaded =
        api.upload("/api/v1/models/iris/versions", ExampleModels.bytes(model), null);
    assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
    return uploaded;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
