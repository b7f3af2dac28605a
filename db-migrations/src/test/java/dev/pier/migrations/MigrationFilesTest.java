package dev.pier.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the migration files in the shape Flyway and reviewers rely on. Applying them to a real
 * PostgreSQL is the control plane's integration tests' job (they start one anyway).
 */
class MigrationFilesTest {
  private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__([a-z0-9_]+)\\.sql");

  @Test
  void migrationsAreNumberedWithoutGapsFromOne() throws IOException, URISyntaxException {
    List<Integer> numbers =
        migrationFiles().stream()
            .map(file -> VERSIONED.matcher(file.getFileName().toString()))
            .filter(Matcher::matches)
            .map(matcher -> Integer.parseInt(matcher.group(1)))
            .sorted()
            .toList();

    assertThat(numbers).isNotEmpty();
    for (int index = 0; index < numbers.size(); index++) {
      assertThat(numbers.get(index)).as("migration number").isEqualTo(index + 1);
    }
  }

  @Test
  void everyFileIsAVersionedMigration() throws IOException, URISyntaxException {
    assertThat(migrationFiles())
        .allSatisfy(
            file ->
                assertThat(file.getFileName().toString())
                    .as("only V<n>__<lower_snake_case>.sql files belong in db/migration")
                    .matches(VERSIONED));
  }

  @Test
  void migrationsAreUtf8WithoutATransactionOfTheirOwn() throws IOException, URISyntaxException {
    // Flyway wraps each migration in a transaction; a BEGIN/COMMIT inside would end it early.
    for (Path file : migrationFiles()) {
      String sql = Files.readString(file, StandardCharsets.UTF_8);
      assertThat(sql).as(file.getFileName().toString()).doesNotContainPattern("(?im)^\\s*COMMIT");
    }
  }

  private static List<Path> migrationFiles() throws IOException, URISyntaxException {
    Path directory =
        Path.of(MigrationFilesTest.class.getClassLoader().getResource("db/migration").toURI());
    try (Stream<Path> files = Files.list(directory)) {
      return files.sorted().toList();
    }
  }
}
