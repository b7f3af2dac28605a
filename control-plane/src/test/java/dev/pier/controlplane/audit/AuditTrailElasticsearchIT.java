package dev.pier.controlplane.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.controlplane.testing.ApiClient;
import dev.pier.controlplane.testing.ApiClient.Response;
import dev.pier.controlplane.testing.Awaiting;
import dev.pier.controlplane.testing.RunningControlPlane;
import dev.pier.testing.elasticsearch.ElasticsearchNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The trail with {@code pier.audit.sink=elasticsearch} against a real Elasticsearch 8 node: admin
 * actions and a (failed) inference reach their indices, are found through the auditor API and
 * verify intact; with the node stopped, the auditor API answers 503 problems naming the sink.
 */
class AuditTrailElasticsearchIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @RegisterExtension static final ElasticsearchNode ELASTICSEARCH = new ElasticsearchNode();
  @TempDir static Path pierHome;
  private static RunningControlPlane controlPlane;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    controlPlane =
        RunningControlPlane.start(
            "pier.home=" + pierHome,
            "pier.audit.sink=elasticsearch",
            "pier.audit.elasticsearch.url=" + ELASTICSEARCH.url(),
            // The node keeps its data between runs: each run writes indices of its own.
            "pier.audit.elasticsearch.index-prefix=wiring-it-"
                + Long.toHexString(System.nanoTime()),
            "pier.audit.elasticsearch.replicas=0");
    api = controlPlane.api();
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  void recordsReachElasticsearchAndVerify() {
    assertThat(api.postJson("/api/v1/models", "{\"name\": \"searched\"}").status()).isEqualTo(201);
    assertThat(
            api.postJson("/v2/models/nowhere/infer", "{\"id\": \"to-nowhere\", \"inputs\": []}")
                .status())
        .isEqualTo(404);

    JsonNode created = await("kind=admin&action=model.created&text=searched");
    assertThat(created.get("target").asString()).isEqualTo("model:searched");
    JsonNode failed = await("requestId=to-nowhere");
    assertThat(failed.get("endpoint").asString()).isEqualTo("nowhere");
    assertThat(failed.get("status").asInt()).isEqualTo(404);
    assertThat(failed.get("outcome").asString()).isEqualToIgnoringCase("failure");

    Response verified = api.get("/api/v1/audit/verify");
    assertThat(verified.status()).isEqualTo(200);
    assertThat(verified.json().size()).isGreaterThanOrEqualTo(2);
    verified
        .json()
        .forEach(
            stream -> assertThat(stream.get("intact").asBoolean()).as(stream.toString()).isTrue());
  }

  @Test
  void aStoppedSinkAnswersServiceUnavailableWithRetryAfter() {
    ELASTICSEARCH.stop();
    try {
      for (String path :
          List.of(
              "/api/v1/audit/records?kind=admin",
              "/api/v1/audit/verify",
              "/api/v1/audit/export?format=csv")) {
        Response refused = api.get(path);
        assertThat(refused.status()).as(path).isEqualTo(503);
        assertThat(refused.header("Retry-After")).as(path).isEqualTo("10");
        assertThat(refused.header("Content-Type")).as(path).startsWith("application/problem+json");
        JsonNode problem = refused.json();
        assertThat(problem.get("code").asString()).isEqualTo("AUDIT_SINK_UNAVAILABLE");
        assertThat(problem.get("type").asString())
            .isEqualTo("urn:pier:problem:audit-sink-unavailable");
        assertThat(problem.get("detail").asString())
            .as(path)
            .contains("audit sink (Elasticsearch) cannot be reached")
            // Hosts and client internals stay in the log.
            .doesNotContain(ELASTICSEARCH.url().getHost() + ":" + ELASTICSEARCH.url().getPort());
      }
      // The trail keeps recording while its sink is away.
      assertThat(api.postJson("/api/v1/models", "{\"name\": \"while-away\"}").status())
          .isEqualTo(201);
    } finally {
      ELASTICSEARCH.start();
    }
    assertThat(await("kind=admin&action=model.created&text=while-away").get("actor").asString())
        .isNotBlank();
  }

  private static JsonNode await(String criteria) {
    JsonNode[] found = new JsonNode[1];
    Awaiting.until(
        "a record with " + criteria + " in Elasticsearch",
        WAIT,
        () -> {
          // A fresh index answers 5xx until its shard is allocated: that is "not yet".
          Response page = api.get("/api/v1/audit/records?" + criteria);
          JsonNode records = page.status() == 200 ? page.json().get("records") : null;
          found[0] = records == null || records.isEmpty() ? null : records.get(0);
          return found[0] != null;
        },
        () -> api.get("/api/v1/audit/status").text());
    return found[0];
  }
}
