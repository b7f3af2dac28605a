package dev.pier.controlplane.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.controlplane.testing.ApiClient;
import dev.pier.controlplane.testing.ApiClient.Response;
import dev.pier.controlplane.testing.ExampleModels;
import dev.pier.controlplane.testing.RunningControlPlane;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The embedded default keeps its data: a control plane stopped and started again on the same {@code
 * pier.home} finds its models, versions and artifacts, and goes on numbering.
 */
class RestartIT {
  @TempDir Path pierHome;

  @Test
  void everythingSurvivesARestartOnTheSameHome() {
    byte[] iris = ExampleModels.bytes(ExampleModels.iris());
    JsonNode versionBefore;
    try (RunningControlPlane first = RunningControlPlane.start("pier.home=" + pierHome)) {
      ApiClient api = first.api();
      assertThat(
              api.postJson(
                      "/api/v1/models",
                      "{\"name\": \"survivor\", \"description\": \"kept\", \"tags\": [\"t\"]}")
                  .status())
          .isEqualTo(201);
      Response uploaded = api.upload("/api/v1/models/survivor/versions", iris, null);
      assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
      versionBefore = uploaded.json();
    }
    assertThat(pierHome.resolve("postgres/PG_VERSION")).exists();
    assertThat(pierHome.resolve("postgres/postmaster.pid"))
        .as("the embedded PostgreSQL stopped with the control plane")
        .doesNotExist();

    try (RunningControlPlane second = RunningControlPlane.start("pier.home=" + pierHome)) {
      ApiClient api = second.api();
      JsonNode model = api.get("/api/v1/models/survivor").json();
      assertThat(model.get("description").asString()).isEqualTo("kept");
      assertThat(model.get("latestVersion").asInt()).isEqualTo(1);
      assertThat(api.get("/api/v1/models/survivor/versions/1").json()).isEqualTo(versionBefore);
      assertThat(api.get("/api/v1/models/survivor/versions/1/artifact").body()).isEqualTo(iris);
      Response next = api.upload("/api/v1/models/survivor/versions", iris, null);
      assertThat(next.json().get("number").asInt()).isEqualTo(2);
    }
  }
}
