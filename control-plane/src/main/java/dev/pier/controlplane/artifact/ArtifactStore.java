package dev.pier.controlplane.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;

/**
 * Where model artifacts live, apart from the servers that run them: content-addressed by SHA-256,
 * so identical bytes are stored once and an artifact never changes after it is stored.
 *
 * <p>Writing is two-phase so that nothing half-received or unusable is ever visible: {@link #stage}
 * streams the content to a local file (digesting it and enforcing the size limit as it goes), the
 * caller inspects that file, and {@link #commit} publishes it atomically. A local directory is the
 * default ({@link LocalArtifactStore}); object storage is a later driver, which stages locally too
 * and uploads on commit.
 *
 * <p>Implementations are thread-safe. Committing the same content twice, even concurrently, is
 * harmless.
 */
public interface ArtifactStore {

  /**
   * Reads {@code content} to its end into a staging file. Does not close {@code content}.
   *
   * @throws dev.pier.controlplane.error.PierException {@code ARTIFACT_TOO_LARGE} as soon as more
   *     than {@code limit} bytes arrive; nothing is left behind
   */
  StagedArtifact stage(InputStream content, SizeLimit limit) throws IOException;

  /**
   * Publishes a staged artifact under its digest. Atomic: readers see the whole artifact or none.
   * If the same content is already stored, the staged copy is discarded.
   */
  StoredArtifact commit(StagedArtifact staged) throws IOException;

  /** Stages and commits in one go, for content that needs no inspection. */
  default StoredArtifact put(InputStream content, SizeLimit limit) throws IOException {
    try (StagedArtifact staged = stage(content, limit)) {
      return commit(staged);
    }
  }

  /**
   * Opens a stored artifact for reading; the caller closes the stream.
   *
   * @throws NoSuchFileException if no artifact has this digest
   */
  InputStream open(Sha256 sha256) throws IOException;

  boolean exists(Sha256 sha256);
}
