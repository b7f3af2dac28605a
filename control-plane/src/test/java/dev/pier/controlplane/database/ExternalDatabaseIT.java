package dev.pier.controlplane.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.controlplane.testing.ApiClient;
import dev.pier.controlplane.testing.RunningControlPlane;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * With {@code spring.datasource.url} set, the control plane uses that database and starts no
 * PostgreSQL of its own. The "external" server is one this test starts.
 */
class ExternalDatabaseIT {
  @TempDir Path pierHome;

  @Test
  void aConfiguredDatabaseReplacesTheEmbeddedOne() throws IOException {
    try (EmbeddedPostgres external = EmbeddedPostgres.builder().start();
        RunningControlPlane controlPlane =
            RunningControlPlane.start(
                "pier.home=" + pierHome,
                "spring.datasource.url=" + external.getJdbcUrl("postgres", "postgres"),
                "spring.datasource.username=postgres")) {
      ApiClient api = controlPlane.api();

      assertThat(api.postJson("/api/v1/models", "{\"name\": \"elsewhere\"}").status())
          .isEqualTo(201);

      assertThat(controlPlane.hasBean(EmbeddedPostgres.class)).isFalse();
      assertThat(pierHome.resolve("postgres")).doesNotExist();
      assertThat(
              JdbcClient.create(external.getPostgresDatabase())
                  .sql("SELECT name FROM model")
                  .query(String.class)
                  .list())
          .containsExactly("elsewhere");
    }
  }
}
