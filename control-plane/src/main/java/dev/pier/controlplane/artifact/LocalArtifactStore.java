package dev.pier.controlplane.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artifacts in a local directory: {@code <root>/sha256/<first 2 hex digits>/<64 hex digits>.onnx},
 * staged in {@code <root>/staging} (the same file system, so that committing is an atomic rename).
 *
 * <p>Paths are built only from validated digests, never from names a caller chose, so no request
 * can reach outside the directory.
 */
public final class LocalArtifactStore implements ArtifactStore {
  private static final Logger log = LoggerFactory.getLogger(LocalArtifactStore.class);
  private static final int BUFFER_SIZE = 64 * 1024;

  /**
   * Staging files older than this at start are leftovers of a crash. Younger ones may belong to
   * another control plane sharing the directory, mid-upload.
   */
  private static final Duration STALE_STAGING = Duration.ofDays(1);

  private final Path objects;
  private final Path staging;

  public LocalArtifactStore(Path root) {
    this.objects = root.resolve("sha256");
    this.staging = root.resolve("staging");
    try {
      Files.createDirectories(objects);
      Files.createDirectories(staging);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the artifact directory " + root, e);
    }
    removeStaleStagingFiles();
  }

  @Override
  public StagedArtifact stage(InputStream content, SizeLimit limit) throws IOException {
    Path file = Files.createTempFile(staging, "upload-", ".part");
    boolean staged = false;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      MessageDigest digest = sha256();
      byte[] buffer = new byte[BUFFER_SIZE];
      long size = 0;
      int read;
      while ((read = content.read(buffer)) != -1) {
        size += read;
        if (size > limit.bytes()) {
          throw limit.exceeded();
        }
        digest.update(buffer, 0, read);
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, read);
        while (chunk.hasRemaining()) {
          channel.write(chunk);
        }
      }
      // On disk before anyone can refer to it: the database row that names it commits later.
      channel.force(true);
      staged = true;
      return new StagedArtifact(file, Sha256.of(digest.digest()), size);
    } finally {
      if (!staged) {
        Files.deleteIfExists(file);
      }
    }
  }

  @Override
  public StoredArtifact commit(StagedArtifact staged) throws IOException {
    Path target = pathOf(staged.sha256());
    if (Files.isRegularFile(target)) {
      staged.close();
      return staged.toStored();
    }
    Files.createDirectories(target.getParent());
    // A concurrent commit of the same content may win the rename; it holds the same bytes.
    Files.move(staged.file(), target, StandardCopyOption.ATOMIC_MOVE);
    return staged.toStored();
  }

  @Override
  public InputStream open(Sha256 sha256) throws IOException {
    return Files.newInputStream(pathOf(sha256));
  }

  @Override
  public boolean exists(Sha256 sha256) {
    return Files.isRegularFile(pathOf(sha256));
  }

  private Path pathOf(Sha256 sha256) {
    String hex = sha256.hex();
    return objects.resolve(hex.substring(0, 2)).resolve(hex + ".onnx");
  }

  private void removeStaleStagingFiles() {
    Instant staleBefore = Instant.now().minus(STALE_STAGING);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(staging, "upload-*.part")) {
      for (Path file : files) {
        if (Files.getLastModifiedTime(file).toInstant().isBefore(staleBefore)) {
          Files.deleteIfExists(file);
          log.info("Removed stale staged artifact {}", file);
        }
      }
    } catch (IOException e) {
      log.warn("Could not clean the artifact staging directory {}: {}", staging, e.toString());
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
