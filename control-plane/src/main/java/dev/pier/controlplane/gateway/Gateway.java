package dev.pier.controlplane.gateway;

import dev.pier.controlplane.scheduler.Routing;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Forwards OIP requests to runtime servers.
 *
 * <p>Runtimes serve a model version under the registry's model name ({@code iris}, version 3), so
 * one loaded version serves every endpoint that points at it; the gateway therefore rewrites the
 * answer's {@code model_name} (inference) or {@code name} (metadata) to the endpoint's name. With
 * the binary extension only the JSON header is parsed and {@code Inference-Header-Content-Length}
 * is recomputed; the tensor bytes are copied as they are.
 *
 * <p>One shared HTTP/1.1 client keeps connections to runtimes alive; its internal executor is a
 * bounded pool, never the default cached one. The request thread waits for the answer up to the
 * endpoint's timeout; a timeout answers 504 (the runtime may still be working on it, so it is not
 * the 503 of "not ready": a client must not assume nothing happened).
 */
@Component
class Gateway implements DisposableBean {
  static final String HEADER_LENGTH = "Inference-Header-Content-Length";
  private static final int RETRY_AFTER_SECONDS = 1;

  private final Routing routing;
  private final JsonMapper json;
  private final ExecutorService executor =
      Executors.newFixedThreadPool(
          Math.max(2, Runtime.getRuntime().availableProcessors()),
          Thread.ofPlatform().name("pier-gateway-http-", 0).daemon().factory());
  private final HttpClient http;

  Gateway(Routing routing, JsonMapper json) {
    this.routing = routing;
    this.json = json;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .executor(executor)
            .build();
  }

  /**
   * Sends the request to a READY replica of the endpoint's version ({@code pinnedVersion}, or the
   * active one); if the connection to it fails, once more to another replica.
   *
   * @param suffix what follows {@code /versions/{n}} on the runtime: {@code /infer} or empty
   * @param body the request body, or null for GET
   */
  ResponseEntity<byte[]> forward(
      String endpoint,
      Integer pinnedVersion,
      String suffix,
      byte[] body,
      String contentType,
      String headerLength) {
    Set<UUID> failed = new HashSet<>();
    IOException lastFailure = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      Routing.Lease lease =
          switch (routing.acquire(endpoint, pinnedVersion, failed)) {
            case Routing.Choice.Chosen chosen -> chosen.lease();
            case Routing.Choice.UnknownEndpoint ignored ->
                throw new GatewayException(404, "unknown endpoint '" + endpoint + "'", 0);
            case Routing.Choice.UnknownVersion ignored ->
                throw new GatewayException(
                    404, "endpoint '" + endpoint + "' does not serve version " + pinnedVersion, 0);
            case Routing.Choice.NotReady ignored ->
                throw new GatewayException(
                    503,
                    lastFailure == null
                        ? "endpoint '" + endpoint + "' has no ready replica yet"
                        : "no replica of endpoint '"
                            + endpoint
                            + "' could be reached: "
                            + lastFailure.getMessage(),
                    RETRY_AFTER_SECONDS);
          };
      try {
        HttpResponse<byte[]> response =
            http.send(
                request(lease, suffix, body, contentType, headerLength),
                HttpResponse.BodyHandlers.ofByteArray());
        return answer(response, endpoint, suffix.isEmpty() ? "name" : "model_name");
      } catch (HttpConnectTimeoutException e) {
        failed.add(lease.serverId());
        lastFailure = e;
      } catch (HttpTimeoutException e) {
        throw new GatewayException(
            504, "endpoint '" + endpoint + "' did not answer within " + lease.timeout(), 0);
      } catch (IOException e) {
        failed.add(lease.serverId());
        lastFailure = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GatewayException(503, "the gateway is shutting down", RETRY_AFTER_SECONDS);
      } finally {
        routing.release(lease);
      }
    }
    throw new GatewayException(
        503,
        "no replica of endpoint '" + endpoint + "' could be reached: " + lastFailure.getMessage(),
        RETRY_AFTER_SECONDS);
  }

  /** Whether the endpoint's (pinned or active) version is READY somewhere. */
  boolean ready(String endpoint, Integer pinnedVersion) {
    return switch (routing.acquire(endpoint, pinnedVersion, Set.of())) {
      case Routing.Choice.Chosen chosen -> {
        routing.release(chosen.lease());
        yield true;
      }
      case Routing.Choice.UnknownEndpoint ignored ->
          throw new GatewayException(404, "unknown endpoint '" + endpoint + "'", 0);
      case Routing.Choice.UnknownVersion ignored ->
          throw new GatewayException(
              404, "endpoint '" + endpoint + "' does not serve version " + pinnedVersion, 0);
      case Routing.Choice.NotReady ignored -> false;
    };
  }

  private static HttpRequest request(
      Routing.Lease lease, String suffix, byte[] body, String contentType, String headerLength) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    lease.restUrl()
                        + "/v2/models/"
                        + URLEncoder.encode(lease.model(), StandardCharsets.UTF_8)
                        + "/versions/"
                        + lease.version()
                        + suffix))
            .timeout(lease.timeout());
    if (body == null) {
      request.GET();
    } else {
      request.POST(HttpRequest.BodyPublishers.ofByteArray(body));
      request.header("Content-Type", contentType == null ? "application/json" : contentType);
      if (headerLength != null) {
        request.header(HEADER_LENGTH, headerLength);
      }
    }
    return request.build();
  }

  private ResponseEntity<byte[]> answer(
      HttpResponse<byte[]> response, String endpoint, String nameField) {
    byte[] body = response.body();
    String headerLength = response.headers().firstValue(HEADER_LENGTH).orElse(null);
    if (response.statusCode() == 200) {
      int jsonLength = headerLength == null ? body.length : Integer.parseInt(headerLength);
      byte[] renamed = rename(Arrays.copyOf(body, jsonLength), nameField, endpoint);
      if (renamed != null) {
        byte[] rewritten = new byte[renamed.length + body.length - jsonLength];
        System.arraycopy(renamed, 0, rewritten, 0, renamed.length);
        System.arraycopy(body, jsonLength, rewritten, renamed.length, body.length - jsonLength);
        body = rewritten;
        if (headerLength != null) {
          headerLength = Integer.toString(renamed.length);
        }
      }
    }
    ResponseEntity.BodyBuilder answer = ResponseEntity.status(response.statusCode());
    response
        .headers()
        .firstValue(HttpHeaders.CONTENT_TYPE)
        .ifPresent(type -> answer.header(HttpHeaders.CONTENT_TYPE, type));
    response
        .headers()
        .firstValue(HttpHeaders.RETRY_AFTER)
        .ifPresent(value -> answer.header(HttpHeaders.RETRY_AFTER, value));
    if (headerLength != null) {
      answer.header(HEADER_LENGTH, headerLength);
    }
    return answer.body(body);
  }

  /** The JSON with {@code field} set to {@code name}; null when it has no such field. */
  private byte[] rename(byte[] jsonBytes, String field, String name) {
    JsonNode node;
    try {
      node = json.readTree(jsonBytes);
    } catch (JacksonException e) {
      return null; // not the OIP JSON a runtime answers; passed on as it is
    }
    if (!(node instanceof ObjectNode object) || !object.has(field)) {
      return null;
    }
    object.put(field, name);
    return json.writeValueAsBytes(object);
  }

  @Override
  public void destroy() {
    http.close();
    executor.shutdownNow();
  }
}
