package dev.pier.controlplane.registry;

import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.artifact.ArtifactStore;
import dev.pier.controlplane.artifact.SizeLimit;
import dev.pier.controlplane.artifact.StagedArtifact;
import dev.pier.controlplane.base.Printable;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.springframework.stereotype.Component;

/**
 * Stages an artifact given by URI, under the same size limit as uploads.
 *
 * <ul>
 *   <li>{@code http} and {@code https}: a GET that must answer 200; redirects are followed except
 *       from https to http. A {@code Content-Length} over the limit fails before any byte is read.
 *   <li>{@code file}: only inside the directories of {@code pier.fetch.file-roots} (none by
 *       default), checked on the normalised path first (so that paths outside never reveal whether
 *       they exist) and again after resolving symbolic links.
 * </ul>
 *
 * <p>Errors name the URI without user info, query or fragment, which may hold credentials. Failures
 * of the source are {@code ARTIFACT_UNAVAILABLE}; failures of the local disk are not the caller's
 * and stay I/O errors.
 */
@Component
class ArtifactFetcher implements AutoCloseable {
  private final ArtifactStore store;
  private final PierProperties.Fetch settings;
  private final HttpClient http;

  ArtifactFetcher(ArtifactStore store, PierProperties properties) {
    this.store = store;
    this.settings = properties.fetch();
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  StagedArtifact fetch(URI uri, SizeLimit limit) throws IOException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "http", "https" -> fetchHttp(uri, limit);
      case "file" -> fetchFile(uri, limit);
      default ->
          throw new PierException(
              ErrorCode.INVALID_URI,
              "uri: "
                  + Printable.quote(uri.toString())
                  + " is not supported: use an absolute http, https or file URI");
    };
  }

  private StagedArtifact fetchHttp(URI uri, SizeLimit limit) throws IOException {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(uri).timeout(settings.timeout()).GET().build();
    } catch (IllegalArgumentException e) {
      throw new PierException(
          ErrorCode.INVALID_URI, "uri: " + shown(uri) + " is not a valid HTTP URI", e);
    }
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw unavailable(uri, describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(uri, "interrupted", e);
    }
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw unavailable(uri, "the server answered HTTP " + response.statusCode(), null);
      }
      OptionalLong length = response.headers().firstValueAsLong("Content-Length");
      if (length.isPresent() && length.getAsLong() > limit.bytes()) {
        throw limit.exceeded();
      }
      return store.stage(new SourceStream(body), limit);
    } catch (SourceFailure e) {
      throw unavailable(uri, describe(e.getCause()), e);
    }
  }

  private StagedArtifact fetchFile(URI uri, SizeLimit limit) throws IOException {
    List<Path> roots = settings.fileRoots();
    if (roots.isEmpty()) {
      throw new PierException(
          ErrorCode.INVALID_URI,
          "uri: file URIs are not allowed here; an operator can allow directories in"
              + " pier.fetch.file-roots");
    }
    Path path;
    try {
      path = Path.of(uri).toAbsolutePath().normalize();
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      throw new PierException(
          ErrorCode.INVALID_URI, "uri: " + shown(uri) + " is not a valid file URI", e);
    }
    if (!isUnder(path, roots)) {
      throw outsideRoots(uri);
    }
    Path real;
    try {
      real = path.toRealPath();
    } catch (NoSuchFileException e) {
      throw unavailable(uri, "no such file", e);
    }
    if (!isUnder(real, realRoots(roots))) {
      throw outsideRoots(uri);
    }
    if (!Files.isRegularFile(real)) {
      throw unavailable(uri, "not a regular file", null);
    }
    if (Files.size(real) > limit.bytes()) {
      throw limit.exceeded();
    }
    try (InputStream content = Files.newInputStream(real)) {
      return store.stage(content, limit);
    }
  }

  private static boolean isUnder(Path path, List<Path> roots) {
    return roots.stream().anyMatch(path::startsWith);
  }

  private static List<Path> realRoots(List<Path> roots) {
    return roots.stream()
        .map(
            root -> {
              try {
                return root.toRealPath();
              } catch (IOException e) {
                return root; // a root that does not exist contains nothing real
              }
            })
        .toList();
  }

  private static PierException outsideRoots(URI uri) {
    return new PierException(
        ErrorCode.INVALID_URI,
        "uri: " + shown(uri) + " is outside the directories allowed by pier.fetch.file-roots");
  }

  private static PierException unavailable(URI uri, String reason, Throwable cause) {
    return new PierException(
        ErrorCode.ARTIFACT_UNAVAILABLE, "cannot fetch " + shown(uri) + ": " + reason, cause);
  }

  /** The URI without user info, query and fragment. */
  static String shown(URI uri) {
    if (uri.getScheme() == null || uri.isOpaque()) {
      return Printable.quote(uri.getScheme() == null ? uri.toString() : uri.getScheme() + ":...");
    }
    StringBuilder shown = new StringBuilder(uri.getScheme()).append(':');
    if (uri.getHost() != null) {
      shown.append("//").append(uri.getHost());
      if (uri.getPort() != -1) {
        shown.append(':').append(uri.getPort());
      }
    } else if (uri.getRawAuthority() == null && "file".equalsIgnoreCase(uri.getScheme())) {
      shown.append("//");
    }
    if (uri.getRawPath() != null) {
      shown.append(uri.getRawPath());
    }
    return Printable.quote(shown.toString());
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank()
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + message;
  }

  @Override
  public void close() {
    http.close();
  }

  /** Marks read failures of the remote source, as opposed to the local disk's. */
  private static final class SourceFailure extends IOException {
    private static final long serialVersionUID = 1L;

    SourceFailure(IOException cause) {
      super(cause);
    }
  }

  private static final class SourceStream extends FilterInputStream {
    SourceStream(InputStream source) {
      super(source);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw new SourceFailure(e);
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      try {
        return super.read(buffer, offset, length);
      } catch (IOException e) {
        throw new SourceFailure(e);
      }
    }
  }
}
