package dev.pier.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.pier.runtime.protocol.ErrorCode;
import dev.pier.runtime.protocol.InferenceException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Artifact downloads against two real HTTP servers on loopback: a control plane that serves
 * artifacts only to its bearer token, and another host that must never see the token.
 */
class ArtifactFetcherTest {
  private static final String TOKEN = "download-secret";
  private static final byte[] ARTIFACT = "not really onnx".getBytes(StandardCharsets.UTF_8);

  @TempDir Path repository;
  private final List<String> controlPlaneAuthorizations = new CopyOnWriteArrayList<>();
  private final List<String> otherAuthorizations = new CopyOnWriteArrayList<>();
  private HttpServer controlPlane;
  private HttpServer other;

  @AfterEach
  void stop() {
    for (HttpServer server : new HttpServer[] {controlPlane, other}) {
      if (server != null) {
        server.stop(0);
      }
    }
  }

  @Test
  void downloadsFromTheControlPlaneCarryItsTokenAndOthersDoNot() throws Exception {
    controlPlane = server(controlPlaneAuthorizations, true);
    other = server(otherAuthorizations, false);
    ArtifactFetcher fetcher = fetcher(TOKEN);

    fetcher.fetch(
        url(controlPlane, "/api/v1/models/iris/versions/1/artifact"), sha256(), target("a"));
    fetcher.fetch(url(other, "/api/v1/models/iris/versions/1/artifact"), sha256(), target("b"));

    assertThat(target("a")).hasBinaryContent(ARTIFACT);
    assertThat(target("b")).hasBinaryContent(ARTIFACT);
    assertThat(controlPlaneAuthorizations).containsExactly("Bearer " + TOKEN);
    assertThat(otherAuthorizations).containsExactly("none");
  }

  @Test
  void aDownloadTheControlPlaneRefusesFailsNamingTheToken() throws Exception {
    controlPlane = server(controlPlaneAuthorizations, true);
    ArtifactFetcher fetcher = fetcher("wrong-token");

    assertThatThrownBy(
            () ->
                fetcher.fetch(
                    url(controlPlane, "/api/v1/models/iris/versions/1/artifact"),
                    sha256(),
                    target("a")))
        .isInstanceOfSatisfying(
            InferenceException.class,
            failure -> assertThat(failure.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
        .hasMessageContaining("HTTP status 401")
        .hasMessageContaining("control-plane-token")
        .hasMessageNotContaining("wrong-token");
    assertThat(target("a")).doesNotExist();
  }

  @Test
  void onlyUrlsUnderTheControlPlanesUrlAreItsOwn() {
    ControlPlaneDownloads downloads =
        new ControlPlaneDownloads("https://pier.example.com:8443/pier", TOKEN, null);

    assertThat(downloads.covers(URI.create("https://pier.example.com:8443/pier/api/v1/x")))
        .isTrue();
    assertThat(downloads.covers(URI.create("https://PIER.example.com:8443/pier"))).isTrue();
    assertThat(downloads.covers(URI.create("http://pier.example.com:8443/pier/api"))).isFalse();
    assertThat(downloads.covers(URI.create("https://pier.example.com/pier/api"))).isFalse();
    assertThat(downloads.covers(URI.create("https://pier.example.com:8443/pierre/api"))).isFalse();
    assertThat(downloads.covers(URI.create("https://evil.example.com:8443/pier/api"))).isFalse();
    assertThat(downloads.covers(URI.create("https://user@pier.example.com:8443/pier/x"))).isFalse();
    assertThat(
            new ControlPlaneDownloads("https://pier.example.com", TOKEN, null)
                .covers(URI.create("https://pier.example.com:443/api")))
        .isTrue();
    assertThat(ControlPlaneDownloads.NONE.covers(URI.create("http://127.0.0.1:8080/api")))
        .isFalse();
    assertThat(downloads.toString()).doesNotContain(TOKEN);
  }

  private ArtifactFetcher fetcher(String token) {
    String base =
        controlPlane == null ? "" : "http://127.0.0.1:" + controlPlane.getAddress().getPort();
    return new ArtifactFetcher(
        1 << 20, repository.resolve(".staging"), new ControlPlaneDownloads(base, token, null));
  }

  private Path target(String model) {
    return repository.resolve(model).resolve("1").resolve("model.onnx");
  }

  private static String url(HttpServer server, String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Serves the artifact; with {@code requireToken}, only to requests with the right token. */
  private static HttpServer server(List<String> authorizations, boolean requireToken)
      throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(authorization == null ? "none" : authorization);
            if (requireToken && !("Bearer " + TOKEN).equals(authorization)) {
              exchange.sendResponseHeaders(401, -1);
              return;
            }
            exchange.sendResponseHeaders(200, ARTIFACT.length);
            exchange.getResponseBody().write(ARTIFACT);
          }
        });
    server.start();
    return server;
  }

  private static String sha256() throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ARTIFACT));
  }
}
