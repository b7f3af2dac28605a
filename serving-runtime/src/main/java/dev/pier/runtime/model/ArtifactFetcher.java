package dev.pier.runtime.model;

import dev.pier.runtime.protocol.ErrorCode;
import dev.pier.runtime.protocol.InferenceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Fetches a model artifact from a URL into the repository, verifying its SHA-256 while it streams,
 * and moves it into place atomically: a model file either appears whole and verified or not at all.
 * Downloads from the control plane carry the runtime's {@link ArtifactCredentials}; no other host
 * ever sees them.
 */
final class ArtifactFetcher {
  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();
  private final long maxBytes;
  private final Path stagingDirectory;
  private final ArtifactCredentials credentials;

  /**
   * @param stagingDirectory where downloads land until verified; a hidden directory of the
   *     repository, so a failed fetch leaves nothing the repository scan would take for a model
   * @param credentials what downloads from the control plane authenticate with
   */
  ArtifactFetcher(long maxBytes, Path stagingDirectory, ArtifactCredentials credentials) {
    this.maxBytes = maxBytes;
    this.stagingDirectory = stagingDirectory;
    this.credentials = credentials;
  }

  /**
   * Downloads {@code uri} to {@code target}.
   *
   * @throws InferenceException INVALID_ARGUMENT for a bad URI or digest format, FAILED_PRECONDITION
   *     when the download fails or the digest does not match
   */
  void fetch(String uri, String expectedSha256, Path target) {
    String expected = expectedSha256.toLowerCase(Locale.ROOT);
    if (!expected.matches("[0-9a-f]{64}")) {
      throw InferenceException.invalid("parameter 'sha256' must be 64 hexadecimal characters");
    }
    URI parsed;
    try {
      parsed = URI.create(uri);
    } catch (IllegalArgumentException e) {
      throw InferenceException.invalid("parameter 'artifact_uri' is not a valid URI: " + uri);
    }
    String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("file")) {
      throw InferenceException.invalid(
          "parameter 'artifact_uri' must be an http, https or file URI, got '" + uri + "'");
    }
    Path temporary = null;
    try {
      Files.createDirectories(stagingDirectory);
      temporary = Files.createTempFile(stagingDirectory, "fetch-", ".partial");
      String actual;
      try (InputStream in = open(parsed, scheme);
          OutputStream out = Files.newOutputStream(temporary)) {
        actual = copyHashing(in, out, uri);
      }
      if (!actual.equals(expected)) {
        throw new InferenceException(
            ErrorCode.FAILED_PRECONDITION,
            "artifact " + uri + " has sha256 " + actual + " but " + expected + " was expected");
      }
      // Only a verified artifact creates the version directory.
      Files.createDirectories(target.getParent());
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      temporary = null;
    } catch (IOException e) {
      throw new InferenceException(
          ErrorCode.FAILED_PRECONDITION, "cannot fetch artifact " + uri + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InferenceException(ErrorCode.SHUTTING_DOWN, "interrupted while fetching " + uri);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // A stray .partial file is harmless: the scan ignores it and the next fetch replaces it.
        }
      }
    }
  }

  private InputStream open(URI uri, String scheme) throws IOException, InterruptedException {
    if (scheme.equals("file")) {
      return Files.newInputStream(Path.of(uri));
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET();
    credentials
        .authorizationFor(uri)
        .ifPresent(authorization -> request.header("Authorization", authorization));
    HttpResponse<InputStream> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      response.body().close();
      throw new IOException("HTTP status " + response.statusCode());
    }
    return response.body();
  }

  private String copyHashing(InputStream in, OutputStream out, String uri) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    for (int read; (read = in.read(buffer)) >= 0; ) {
      total += read;
      if (total > maxBytes) {
        throw new InferenceException(
            ErrorCode.FAILED_PRECONDITION,
            "artifact " + uri + " is larger than the limit of " + maxBytes + " bytes");
      }
      digest.update(buffer, 0, read);
      out.write(buffer, 0, read);
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
