package dev.pier.controlplane.gateway;

import dev.pier.controlplane.scheduler.Routing;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Forwards OIP requests to runtime servers.
 *
 * <p>Runtimes serve a model version under the registry's model name ({@code iris}, version 3), so
 * one loaded version serves every endpoint that points at it; the gateway therefore rewrites the
 * answer's {@code model_name} (inference) or {@code name} (metadata) to the endpoint's name, by a
 * streaming splice ({@link NameRewrite}). With the binary extension only the JSON header is
 * rewritten and {@code Inference-Header-Content-Length} is recomputed; the tensor bytes are copied
 * as they are.
 *
 * <p>The request thread itself sends the request and reads the answer ({@link RuntimeHttp}: a
 * blocking HTTP/1.1 client over keep-alive connections pooled per runtime, closed when the runtime
 * leaves the routing table), waiting up to the endpoint's timeout; a timeout answers 504 (the
 * runtime may still be working on it, so it is not the 503 of "not ready": a client must not assume
 * nothing happened). When the connection to a replica fails before any answer, the request goes
 * once more to another replica; an answer, even an error or a cut-off one, is never retried.
 */
@Component
class Gateway implements DisposableBean {
  static final String HEADER_LENGTH = "Inference-Header-Content-Length";
  private static final int RETRY_AFTER_SECONDS = 1;

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  private final Routing routing;
  private final RuntimeHttp http =
      new RuntimeHttp(CONNECT_TIMEOUT, RuntimeChannels.MAX_MESSAGE_BYTES);

  Gateway(Routing routing) {
    this.routing = routing;
    routing.onPublish(
        servers -> http.retain(servers.values().stream().map(Routing.Target::restUrl).toList()));
  }

  /**
   * Sends the request to a READY replica of the endpoint's version ({@code pinnedVersion}, or the
   * active one); if the connection to it fails, once more to another replica.
   *
   * @param suffix what follows {@code /versions/{n}} on the runtime: {@code /infer} or empty
   * @param body the request body (its first {@code bodyLength} bytes), or null for GET
   */
  RuntimeHttp.Answer forward(
      String endpoint,
      Integer pinnedVersion,
      String suffix,
      byte[] body,
      int bodyLength,
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
        RuntimeHttp.Answer answer =
            http.exchange(
                lease.restUrl(),
                body == null ? "GET" : "POST",
                path(lease, suffix),
                body,
                bodyLength,
                body == null ? null : contentType == null ? "application/json" : contentType,
                headerLength,
                System.nanoTime() + lease.timeout().toNanos());
        return renamed(answer, endpoint, suffix.isEmpty() ? "name" : "model_name");
      } catch (RuntimeHttp.Unreached e) {
        failed.add(lease.serverId());
        lastFailure = e;
      } catch (SocketTimeoutException e) {
        throw new GatewayException(
            504, "endpoint '" + endpoint + "' did not answer within " + lease.timeout(), 0);
      } catch (IOException e) {
        throw new GatewayException(
            502,
            "the runtime's answer for endpoint '" + endpoint + "' failed: " + e.getMessage(),
            0);
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

  private static String path(Routing.Lease lease, String suffix) {
    return "/v2/models/"
        + URLEncoder.encode(lease.model(), StandardCharsets.UTF_8)
        + "/versions/"
        + lease.version()
        + suffix;
  }

  private static RuntimeHttp.Answer renamed(
      RuntimeHttp.Answer answer, String endpoint, String nameField) {
    if (answer.status() != 200) {
      return answer;
    }
    byte[] body = answer.body();
    String headerLength = answer.headerLength();
    int jsonLength;
    try {
      jsonLength = headerLength == null ? body.length : Integer.parseInt(headerLength.trim());
    } catch (NumberFormatException e) {
      return answer; // passed on as it is, like any answer the gateway cannot read
    }
    byte[] renamed = NameRewrite.rename(body, jsonLength, nameField, endpoint);
    if (renamed == null) {
      return answer;
    }
    return new RuntimeHttp.Answer(
        answer.status(),
        answer.contentType(),
        answer.retryAfter(),
        headerLength == null ? null : Integer.toString(jsonLength + renamed.length - body.length),
        renamed);
  }

  @Override
  public void destroy() {
    http.close();
  }
}
