package dev.pier.controlplane.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.artifact.LocalArtifactStore;
import dev.pier.controlplane.artifact.SizeLimit;
import dev.pier.controlplane.artifact.StagedArtifact;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/** The rules for file URIs, and what error messages show of a URI. */
class ArtifactFetcherTest {
  private static final SizeLimit LIMIT = new SizeLimit(DataSize.ofKilobytes(1), "test.limit");

  // One temporary directory, so that links between its parts stay inside it.
  @TempDir Path root;
  private Path home;
  private Path allowed;
  private Path outside;

  @BeforeEach
  void directories() throws IOException {
    home = Files.createDirectory(root.resolve("home"));
    allowed = Files.createDirectory(root.resolve("allowed"));
    outside = Files.createDirectory(root.resolve("outside"));
  }

  @Test
  void aFileInsideAnAllowedDirectoryIsStaged() throws IOException {
    Path model = Files.write(allowed.resolve("model.onnx"), new byte[] {1, 2, 3});

    try (ArtifactFetcher fetcher = fetcher(List.of(allowed));
        StagedArtifact staged = fetcher.fetch(model.toUri(), LIMIT)) {
      assertThat(staged.size()).isEqualTo(3);
    }
  }

  @Test
  void aSymbolicLinkOutOfAnAllowedDirectoryIsRefused() throws IOException {
    Path secret = Files.write(outside.resolve("secret.onnx"), new byte[] {1});
    Path link = Files.createSymbolicLink(allowed.resolve("link.onnx"), secret);

    try (ArtifactFetcher fetcher = fetcher(List.of(allowed))) {
      assertThatThrownBy(() -> fetcher.fetch(link.toUri(), LIMIT))
          .isInstanceOfSatisfying(
              PierException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_URI));
    }
  }

  @Test
  void outsideTheAllowedDirectoriesExistenceIsNotRevealed() throws IOException {
    Path existing = Files.write(outside.resolve("exists.onnx"), new byte[] {1});

    try (ArtifactFetcher fetcher = fetcher(List.of(allowed))) {
      for (Path path : List.of(existing, outside.resolve("missing.onnx"))) {
        assertThatThrownBy(() -> fetcher.fetch(path.toUri(), LIMIT))
            .isInstanceOfSatisfying(
                PierException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_URI))
            .hasMessageEndingWith("is outside the directories allowed by pier.fetch.file-roots");
      }
    }
  }

  @Test
  void fileUrisAreRefusedUnlessDirectoriesAreAllowed() throws IOException {
    Path model = Files.write(allowed.resolve("model.onnx"), new byte[] {1});

    try (ArtifactFetcher fetcher = fetcher(List.of())) {
      assertThatThrownBy(() -> fetcher.fetch(model.toUri(), LIMIT))
          .isInstanceOfSatisfying(
              PierException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_URI))
          .hasMessageContaining("pier.fetch.file-roots");
    }
  }

  @Test
  void aFileOverTheLimitIsRefusedBeforeReading() throws IOException {
    Path large = Files.write(allowed.resolve("large.onnx"), new byte[1025]);

    try (ArtifactFetcher fetcher = fetcher(List.of(allowed))) {
      assertThatThrownBy(() -> fetcher.fetch(large.toUri(), LIMIT))
          .isInstanceOfSatisfying(
              PierException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.ARTIFACT_TOO_LARGE));
    }
  }

  @Test
  void messagesShowUrisWithoutCredentialsQueriesOrFragments() {
    assertThat(
            ArtifactFetcher.shown(
                URI.create("https://user:secret@models.example:8443/a/model.onnx?token=t#f")))
        .isEqualTo("'https://models.example:8443/a/model.onnx'");
    assertThat(ArtifactFetcher.shown(URI.create("file:///models/m.onnx")))
        .isEqualTo("'file:///models/m.onnx'");
  }

  private ArtifactFetcher fetcher(List<Path> fileRoots) {
    PierProperties properties =
        new PierProperties(
            home,
            null,
            DataSize.ofKilobytes(1),
            new PierProperties.Fetch(Duration.ofSeconds(1), Duration.ofSeconds(1), fileRoots),
            new PierProperties.EmbeddedDatabase(0, Duration.ofSeconds(1)),
            new PierProperties.Runtimes(
                null,
                null,
                Duration.ofSeconds(15),
                new PierProperties.Local(0, Path.of("pier-runtime.jar"), null, null, null, null),
                null,
                new PierProperties.Tls(null, null, null)),
            new PierProperties.Gateway(0, null, null),
            new PierProperties.Security(
                null,
                new PierProperties.Oidc(
                    null,
                    null,
                    null,
                    null,
                    "roles",
                    "preferred_username",
                    Map.of(),
                    List.of(),
                    Duration.ofSeconds(60),
                    "single sign-on"),
                new PierProperties.SignIn(5, Duration.ofSeconds(30), Duration.ofMinutes(15)),
                List.of()),
            PierProperties.Audit.defaults());
    return new ArtifactFetcher(new LocalArtifactStore(properties.artifactDirectory()), properties);
  }
}
