package dev.pier.controlplane.database;

import dev.pier.controlplane.PierProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The embedded default database: with no {@code spring.datasource.url}, the control plane runs its
 * own PostgreSQL (zonky's binaries, no installation) whose data directory, {@code
 * <pier.home>/postgres}, survives restarts.
 *
 * <p>It is handed to Spring Boot as {@link JdbcConnectionDetails} rather than as a {@code
 * DataSource}, so Boot still builds the pool with every {@code spring.datasource.hikari.*} setting
 * and Flyway and JPA find it as they would find an external database.
 *
 * <p>Lifecycle: started when the context creates the bean, before Flyway runs; stopped ({@code
 * pg_ctl stop -m fast}) when the context closes, after the pool that depends on it. A JVM shutdown
 * hook, registered by the library, stops it too if the context is never closed. The data directory
 * is locked while it runs, so two control planes cannot share one {@code pier.home}.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoDatasourceUrl.class)
class EmbeddedDatabaseConfiguration {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

  /** The control plane's database in the embedded server; {@code postgres} stays maintenance. */
  static final String DATABASE = "pier";

  private static final String SUPERUSER = "postgres";

  @Bean(destroyMethod = "close")
  EmbeddedPostgres embeddedPostgres(PierProperties properties) throws IOException, SQLException {
    Path dataDirectory = properties.embeddedDatabaseDirectory();
    Files.createDirectories(dataDirectory);
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDirectory)
            // Keep the data: this is the control plane's database, not a test fixture.
            .setCleanDataDirectory(false)
            .setPort(properties.embeddedDatabase().port())
            .setPGStartupWait(properties.embeddedDatabase().startupTimeout())
            // The library turns these off for speed in tests; registry data must survive a crash.
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("fsync", "on")
            .setServerConfig("listen_addresses", "localhost")
            .start();
    try {
      createDatabaseIfMissing(postgres);
    } catch (SQLException | RuntimeException e) {
      postgres.close();
      throw e;
    }
    log.info("Embedded PostgreSQL on localhost:{}, data in {}", postgres.getPort(), dataDirectory);
    return postgres;
  }

  @Bean
  JdbcConnectionDetails embeddedPostgresConnectionDetails(EmbeddedPostgres postgres) {
    String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
    return new JdbcConnectionDetails() {
      @Override
      public String getUsername() {
        return SUPERUSER;
      }

      @Override
      public String getPassword() {
        return null;
      }

      @Override
      public String getJdbcUrl() {
        return url;
      }
    };
  }

  private static void createDatabaseIfMissing(EmbeddedPostgres postgres) throws SQLException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
      try (PreparedStatement exists =
          connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        exists.setString(1, DATABASE);
        try (ResultSet result = exists.executeQuery()) {
          if (result.next()) {
            return;
          }
        }
      }
      try (Statement create = connection.createStatement()) {
        create.execute("CREATE DATABASE " + DATABASE + " ENCODING 'UTF8'");
      }
    }
  }

  /** Matches when no external database is configured. */
  static final class NoDatasourceUrl implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return !StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"));
    }
  }
}
