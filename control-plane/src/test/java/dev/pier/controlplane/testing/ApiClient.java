package dev.pier.controlplane.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain HTTP client for the control plane's API, over a real socket: tests see exactly the bytes
 * and headers a script would, including for requests no typed client would send.
 */
public final class ApiClient {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http;
  private final String base;
  private final int port;
  private final String authorization;

  /** A client that sends no credentials. */
  public ApiClient(int port) {
    this(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), "http", port, null);
  }

  /** A client for a control plane serving HTTPS, trusting {@code tls}; no credentials. */
  public ApiClient(int port, SSLContext tls) {
    this(
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls).build(),
        "https",
        port,
        null);
  }

  private ApiClient(HttpClient http, String scheme, int port, String authorization) {
    this.http = http;
    this.base = scheme + "://localhost:" + port;
    this.port = port;
    this.authorization = authorization;
  }

  public int port() {
    return port;
  }

  /**
   * The same client sending {@code Authorization: authorization} with every request that does not
   * name its own.
   */
  public ApiClient authorizedBy(String authorization) {
    return new ApiClient(http, base.substring(0, base.indexOf(':')), port, authorization);
  }

  /** A client with a bearer token (an API token's secret or a JWT). */
  public ApiClient withBearer(String token) {
    return authorizedBy("Bearer " + token);
  }

  /** The {@code Authorization} value of HTTP Basic for a local user. */
  public static String basic(String username, String password) {
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** The credentials this client sends, or null. */
  public String authorization() {
    return authorization;
  }

  public Response get(String path, String... headers) {
    return send("GET", path, null, null, headers);
  }

  public Response delete(String path, String... headers) {
    return send("DELETE", path, null, null, headers);
  }

  public Response postJson(String path, String json, String... headers) {
    return send("POST", path, "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
  }

  public Response patchJson(String path, String json, String... headers) {
    return send("PATCH", path, "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
  }

  /** A multipart upload: a {@code file} part and, if not null, a JSON {@code metadata} part. */
  public Response upload(String path, byte[] file, String metadata) {
    String boundary = "pier-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    write(body, "--" + boundary + "\r\n");
    write(
        body,
        "Content-Disposition: form-data; name=\"file\"; filename=\"model.onnx\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n");
    body.writeBytes(file);
    write(body, "\r\n");
    if (metadata != null) {
      write(body, "--" + boundary + "\r\n");
      write(
          body,
          "Content-Disposition: form-data; name=\"metadata\"\r\n"
              + "Content-Type: application/json\r\n\r\n");
      write(body, metadata);
      write(body, "\r\n");
    }
    write(body, "--" + boundary + "--\r\n");
    return send("POST", path, "multipart/form-data; boundary=" + boundary, body.toByteArray());
  }

  /** A request with no {@code Authorization} header, whatever this client sends by default. */
  public ApiClient anonymous() {
    return authorizedBy(null);
  }

  /** Any request; {@code headers} are name, value pairs. */
  public Response send(
      String method, String path, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    boolean ownAuthorization = false;
    for (int index = 0; index < headers.length; index += 2) {
      request.header(headers[index], headers[index + 1]);
      ownAuthorization |= headers[index].equalsIgnoreCase("Authorization");
    }
    if (authorization != null && !ownAuthorization) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  /** What came back. */
  public record Response(int status, HttpHeaders headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      return JSON.readTree(body);
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + text();
    }
  }
}
