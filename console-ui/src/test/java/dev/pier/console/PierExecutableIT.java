package dev.pier.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.console.testing.PierProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The packaged executable, {@code console-ui/target/pier.jar}, started the way an operator starts
 * it ({@code java -jar} from the repository root) and driven over real HTTP only: a model is
 * uploaded, put behind an endpoint and served through the gateway; SIGTERM stops Pier and its
 * runtime process; a second start on the same data directory still has the model and the endpoint.
 */
class PierExecutableIT {
  private static final Duration PLACED = Duration.ofSeconds(30);
  private static final Duration STOP = Duration.ofSeconds(30);
  private static final String SETOSA =
      """
      {"inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 4],
                   "data": [5.1, 3.5, 1.4, 0.2]}]}
      """;

  @TempDir Path pierHome;
  @TempDir Path logs;

  private final List<PierProcess> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    started.forEach(PierProcess::close);
  }

  @Test
  void servesAnUploadedModelStopsCleanlyOnSigtermAndKeepsItsStateAcrossARestart() throws Exception {
    PierProcess first = start("first.log");
    assertThat(first.oneTimePassword())
        .as("first start prints the admin's one-time password")
        .isPresent();
    assertThat(pierHome.resolve("initial-admin-password")).exists();
    first.signInAsAdmin();
    assertThat(pierHome.resolve("initial-admin-password"))
        .as("kept only until the admin replaced it")
        .doesNotExist();
    assertThat(first.post("/api/v1/models", "{\"name\": \"iris\"}").status()).isEqualTo(201);
    PierProcess.Response uploaded =
        first.upload(
            "/api/v1/models/iris/versions",
            Files.readAllBytes(PierProcess.examples().resolve("models/iris/1/model.onnx")));
    assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
    assertThat(uploaded.json().get("number").asInt()).isEqualTo(1);
    PierProcess.Response endpoint =
        first.post(
            "/api/v1/endpoints", "{\"name\": \"flowers\", \"model\": \"iris\", \"version\": 1}");
    assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);

    awaitPlacementReady(first);
    assertSetosa(first);

    List<ProcessHandle> runtimes = first.process().descendants().toList();
    assertThat(runtimes).as("the local runtime started by the local driver").isNotEmpty();
    first.process().toHandle().destroy(); // SIGTERM
    assertThat(first.process().waitFor(STOP.toSeconds(), TimeUnit.SECONDS))
        .as("Pier exits after SIGTERM\n%s", first.log())
        .isTrue();
    assertThat(runtimes.stream().filter(ProcessHandle::isAlive).toList())
        .as("runtime processes left after Pier stopped")
        .isEmpty();

    PierProcess second = start("second.log");
    assertThat(second.oneTimePassword()).as("nothing to print once it was replaced").isEmpty();
    second.signInAsAdmin();
    PierProcess.Response model = second.get("/api/v1/models/iris");
    assertThat(model.status()).as(model.toString()).isEqualTo(200);
    assertThat(model.json().get("latestVersion").asInt()).isEqualTo(1);
    List<String> endpoints = new ArrayList<>();
    for (JsonNode each : second.get("/api/v1/endpoints").json()) {
      endpoints.add(each.get("name").asString() + ":" + each.get("model").asString());
    }
    assertThat(endpoints).containsExactly("flowers:iris");
    awaitPlacementReady(second);
    assertSetosa(second);
  }

  private static void awaitPlacementReady(PierProcess pier) {
    PierProcess.until(
        "the endpoint's placement is READY",
        PLACED,
        () -> {
          JsonNode placements = pier.get("/api/v1/endpoints/flowers/placements").json();
          return placements.size() == 1
              && placements.get(0).get("state").asString().equals("READY");
        },
        () -> pier.get("/api/v1/placements") + "\n" + pier.log());
  }

  private static void assertSetosa(PierProcess pier) {
    PierProcess.Response[] last = new PierProcess.Response[1];
    PierProcess.until(
        "the gateway serves the endpoint",
        PLACED,
        () -> {
          last[0] = pier.post("/v2/models/flowers/infer", SETOSA);
          return last[0].status() == 200;
        },
        () -> last[0] + "\n" + pier.log());
    JsonNode answer = last[0].json();
    assertThat(answer.get("model_name").asString()).isEqualTo("flowers");
    int label = -1;
    for (JsonNode output : answer.get("outputs")) {
      if (output.get("name").asString().equals("label")) {
        label = output.get("data").get(0).asInt();
      }
    }
    assertThat(label).as(answer.toString()).isEqualTo(1);
  }

  private PierProcess start(String logName) throws IOException {
    PierProcess pier = PierProcess.start(pierHome, logs.resolve(logName));
    started.add(pier);
    return pier;
  }
}
