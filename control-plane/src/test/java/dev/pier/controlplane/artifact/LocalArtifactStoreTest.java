package dev.pier.controlplane.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

class LocalArtifactStoreTest {
  private static final String SOME_DIGEST = "0123456789abcdef".repeat(4);

  private static final SizeLimit LIMIT = new SizeLimit(DataSize.ofBytes(10), "test.limit");

  @TempDir Path root;

  @Test
  void anArtifactIsStoredUnderItsDigestOnlyWhenCommitted() throws IOException {
    LocalArtifactStore store = new LocalArtifactStore(root);
    byte[] content = "model".getBytes(StandardCharsets.US_ASCII);

    try (StagedArtifact staged = store.stage(new ByteArrayInputStream(content), LIMIT)) {
      assertThat(staged.size()).isEqualTo(5);
      assertThat(staged.sha256().hex()).isEqualTo(sha256Of(content));
      assertThat(staged.file()).hasBinaryContent(content);
      assertThat(store.exists(staged.sha256())).isFalse();
      assertThat(files(root.resolve("sha256"))).isEmpty();

      StoredArtifact stored = store.commit(staged);

      assertThat(stored).isEqualTo(new StoredArtifact(staged.sha256(), 5));
      assertThat(store.exists(stored.sha256())).isTrue();
      Path expected =
          root.resolve("sha256")
              .resolve(stored.sha256().hex().substring(0, 2))
              .resolve(stored.sha256().hex() + ".onnx");
      assertThat(expected).hasBinaryContent(content);
      try (InputStream read = store.open(stored.sha256())) {
        assertThat(read.readAllBytes()).isEqualTo(content);
      }
    }
    assertThat(files(root.resolve("staging"))).isEmpty();
  }

  @Test
  void contentUpToTheLimitIsAccepted() throws IOException {
    LocalArtifactStore store = new LocalArtifactStore(root);

    StoredArtifact stored = store.put(new ByteArrayInputStream(new byte[10]), LIMIT);

    assertThat(stored.size()).isEqualTo(10);
  }

  @Test
  void contentOverTheLimitFailsAndLeavesNothing() {
    LocalArtifactStore store = new LocalArtifactStore(root);

    assertThatThrownBy(() -> store.stage(new ByteArrayInputStream(new byte[11]), LIMIT))
        .isInstanceOfSatisfying(
            PierException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.ARTIFACT_TOO_LARGE);
              assertThat(e.getMessage())
                  .isEqualTo("the artifact is larger than 10 bytes, the limit set by test.limit");
            });
    assertThat(files(root)).isEmpty();
  }

  @Test
  void anUncommittedStagedArtifactIsDiscardedOnClose() throws IOException {
    LocalArtifactStore store = new LocalArtifactStore(root);

    StagedArtifact staged = store.stage(new ByteArrayInputStream(new byte[3]), LIMIT);
    staged.close();

    assertThat(files(root)).isEmpty();
    assertThat(store.exists(staged.sha256())).isFalse();
  }

  @Test
  void identicalContentIsStoredOnce() throws IOException {
    LocalArtifactStore store = new LocalArtifactStore(root);

    StoredArtifact first = store.put(new ByteArrayInputStream(new byte[] {1, 2, 3}), LIMIT);
    StoredArtifact second = store.put(new ByteArrayInputStream(new byte[] {1, 2, 3}), LIMIT);

    assertThat(second).isEqualTo(first);
    assertThat(files(root)).hasSize(1);
  }

  @Test
  void openingAMissingArtifactSaysSo() {
    LocalArtifactStore store = new LocalArtifactStore(root);

    assertThatThrownBy(() -> store.open(new Sha256("0".repeat(64))))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void staleStagingFilesAreRemovedAtStartButRecentOnesKept() throws IOException {
    Path staging = Files.createDirectories(root.resolve("staging"));
    Path stale = Files.write(staging.resolve("upload-1.part"), new byte[1]);
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
    Path recent = Files.write(staging.resolve("upload-2.part"), new byte[1]);

    new LocalArtifactStore(root);

    assertThat(stale).doesNotExist();
    assertThat(recent).exists();
  }

  @Test
  void digestsAreLowercaseHexAndConvertToBase64() {
    Sha256 sha256 = new Sha256(SOME_DIGEST);

    assertThat(sha256.toString()).isEqualTo(SOME_DIGEST);
    assertThat(sha256.base64()).hasSize(44);
    assertThatThrownBy(() -> new Sha256(SOME_DIGEST.toUpperCase()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Sha256("../../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void limitsDescribeThemselvesAsTheyAreWritten() {
    assertThat(SizeLimit.describe(DataSize.ofGigabytes(1))).isEqualTo("1GB");
    assertThat(SizeLimit.describe(DataSize.ofMegabytes(64))).isEqualTo("64MB");
    assertThat(SizeLimit.describe(DataSize.ofKilobytes(64))).isEqualTo("64KB");
    assertThat(SizeLimit.describe(DataSize.ofBytes(1000))).isEqualTo("1000 bytes");
  }

  private static String sha256Of(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> files(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
