package dev.pier.controlplane.artifact;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content that has been received completely and digested, but is not in the store yet: a local file
 * that can be inspected (e.g. opened with ONNX Runtime) before it is committed.
 *
 * <p>Owned by whoever staged it: {@link ArtifactStore#commit} moves it into the store, {@link
 * #close()} discards it if it was not committed. Use it in try-with-resources so that a failure
 * anywhere leaves nothing behind.
 *
 * @param file the local file holding the content; read it, never change it
 * @param sha256 the content's digest
 * @param size the content's length in bytes
 */
public record StagedArtifact(Path file, Sha256 sha256, long size) implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StagedArtifact.class);

  /** Discards the staged file unless it was committed (moved away). */
  @Override
  public void close() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // The store removes stale staging files when it starts; this one just lingers until then.
      log.warn("Could not remove staged artifact {}: {}", file, e.toString());
    }
  }

  /** As the committed artifact will be known. */
  public StoredArtifact toStored() {
    return new StoredArtifact(sha256, size);
  }
}
