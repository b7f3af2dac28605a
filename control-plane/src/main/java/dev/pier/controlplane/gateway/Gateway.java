package dev.pier.controlplane.gateway;

import dev.pier.controlplane.audit.CapturedPayload;
import dev.pier.controlplane.audit.InferenceAudit;
import dev.pier.controlplane.audit.InferenceCapture;
import dev.pier.controlplane.runtimes.RuntimeAccess;
import dev.pier.controlplane.scheduler.Routing;
import dev.pier.controlplane.traffic.Prediction;
import dev.pier.controlplane.traffic.PredictionReader;
import dev.pier.controlplane.traffic.TrafficStatistics;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
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

  private static final String INFER = "/infer";

  /** Answers larger than this are not parsed for predictions: statistics must stay cheap. */
  static final int LARGEST_ANSWER_READ = 256 * 1024;

  private final Routing routing;
  private final TrafficStatistics statistics;
  private final RuntimeHttp http;
  private final ShadowTraffic shadows;
  private final InferenceAudit audit;

  Gateway(
      Routing routing,
      TrafficStatistics statistics,
      RuntimeChannels channels,
      RuntimeAccess access,
      InferenceAudit audit) {
    this.routing = routing;
    this.audit = audit;
    this.statistics = statistics;
    this.http =
        new RuntimeHttp(
            CONNECT_TIMEOUT,
            RuntimeChannels.MAX_MESSAGE_BYTES,
            access.authorization(),
            access.sslContext().getSocketFactory());
    this.shadows = new ShadowTraffic(routing, statistics, http, channels, audit);
    routing.onPublish(
        servers -> http.retain(servers.values().stream().map(Routing.Target::restUrl).toList()));
  }

  /** The shadow copies of REST and gRPC inference: the same threads and drop count for both. */
  ShadowTraffic shadows() {
    return shadows;
  }

  /** An inference answer and the target (variant, registry model and version) that gave it. */
  record Forwarded(RuntimeHttp.Answer answer, Routing.Variant variant, String model, int version) {}

  /**
   * {@link #forwardInference}, audited: the request and its answer (or its failure) are handed to
   * {@link InferenceAudit} — a copy of the request bytes and the answer's bytes, nothing parsed
   * here. When the audit trail cannot take the record, the caller gets 503 instead of the answer.
   * An endpoint whose audit policy samples 0 % is not captured at all.
   *
   * @param caller the caller's principal name
   * @param sourceAddress the caller's IP address, or null
   */
  Forwarded infer(
      String endpoint,
      Integer pinnedVersion,
      byte[] body,
      int bodyLength,
      String contentType,
      String headerLength,
      Function<String, String> headers,
      String caller,
      String sourceAddress) {
    if (!audit.recordsAny(endpoint)) {
      return forwardInference(
          endpoint, pinnedVersion, body, bodyLength, contentType, headerLength, headers, null);
    }
    Instant time = Instant.now();
    long start = System.nanoTime();
    byte[] request = auditedJson(body, bodyLength, headerLength);
    String traceparent = headers.apply(TRACEPARENT);
    Forwarded forwarded;
    try {
      forwarded =
          forwardInference(
              endpoint,
              pinnedVersion,
              body,
              bodyLength,
              contentType,
              headerLength,
              headers,
              new ShadowTraffic.Origin(time, caller, traceparent, sourceAddress));
    } catch (GatewayException e) {
      audit.capture(
          new InferenceCapture(
              time,
              endpoint,
              null,
              0,
              null,
              caller,
              CapturedPayload.json(request),
              null,
              e.status(),
              e.getMessage(),
              System.nanoTime() - start,
              traceparent,
              sourceAddress));
      throw e;
    }
    RuntimeHttp.Answer answer = forwarded.answer();
    byte[] response =
        answer.status() == 200
            ? auditedJson(answer.body(), answer.body().length, answer.headerLength())
            : null;
    boolean taken =
        audit.capture(
            new InferenceCapture(
                time,
                endpoint,
                forwarded.model(),
                forwarded.version(),
                forwarded.variant().label(),
                caller,
                CapturedPayload.json(request),
                CapturedPayload.json(response),
                answer.status(),
                answer.status() == 200 ? null : errorOf(answer),
                System.nanoTime() - start,
                traceparent,
                sourceAddress));
    if (!taken) {
      throw new GatewayException(
          503, "the audit trail cannot keep up; the request was not served", RETRY_AFTER_SECONDS);
    }
    return forwarded;
  }

  /**
   * Puts an inference refused before it was sent anywhere on record (no valid credentials, or a
   * caller that may not use the endpoint); the body was not read, so the record has no payload.
   */
  void refused(
      Instant time,
      String endpoint,
      String caller,
      int status,
      String reason,
      long latencyNanos,
      String traceparent,
      String sourceAddress) {
    if (audit.recordsAny(endpoint)) {
      audit.capture(
          new InferenceCapture(
              time,
              endpoint,
              null,
              0,
              null,
              caller,
              null,
              null,
              status,
              reason,
              latencyNanos,
              traceparent,
              sourceAddress));
    }
  }

  /** The W3C trace context header, whose trace id the audit record keeps. */
  static final String TRACEPARENT = "traceparent";

  /** Larger payloads are audited as a summary, so the audit queue's memory stays bounded. */
  static final int LARGEST_AUDITED_PAYLOAD = 1024 * 1024;

  /**
   * The JSON part of a body, copied (the request buffer is reused by its thread): the whole body,
   * or the JSON header of the binary extension; a summary when it is too large.
   */
  static byte[] auditedJson(byte[] body, int length, String headerLength) {
    int jsonLength = length;
    if (headerLength != null) {
      try {
        jsonLength = Math.min(length, Math.max(0, Integer.parseInt(headerLength.trim())));
      } catch (NumberFormatException e) {
        jsonLength = 0;
      }
    }
    if (jsonLength > LARGEST_AUDITED_PAYLOAD) {
      return ("{\"truncated\":true,\"bytes\":" + length + "}").getBytes(StandardCharsets.US_ASCII);
    }
    return Arrays.copyOf(body, jsonLength);
  }

  /** A runtime's error answer as text, for the record (its JSON is parsed on the audit thread). */
  static String errorOf(RuntimeHttp.Answer answer) {
    byte[] body = answer.body();
    return new String(body, 0, Math.min(body.length, 2048), StandardCharsets.UTF_8);
  }

  /**
   * Sends an inference request through the endpoint's traffic policy: to the pinned version, or to
   * stable or canary as the split (and the sticky header read through {@code headers}) decides.
   * When the primary fails (no answer, a timeout, or a 5xx) and a fallback is ready, the fallback
   * answers instead. A successful answer may be copied to the shadow, off this thread. Each
   * target's outcome, latency and predictions go to {@link TrafficStatistics}.
   *
   * @param origin the caller, for the shadow's audit record; null when the endpoint is not audited
   */
  private Forwarded forwardInference(
      String endpoint,
      Integer pinnedVersion,
      byte[] body,
      int bodyLength,
      String contentType,
      String headerLength,
      Function<String, String> headers,
      ShadowTraffic.Origin origin) {
    long start = System.nanoTime();
    Sent primary =
        send(
            endpoint,
            pinnedVersion,
            failed -> routing.acquire(endpoint, pinnedVersion, headers, failed),
            INFER,
            body,
            bodyLength,
            contentType,
            headerLength);
    List<Prediction> predictions = predictions(primary);
    record(endpoint, primary, start, predictions);
    if (primary.failed() && pinnedVersion == null) {
      long fallbackStart = System.nanoTime();
      Sent fallback =
          send(
              endpoint,
              null,
              failed -> routing.acquireFallback(endpoint, failed),
              INFER,
              body,
              bodyLength,
              contentType,
              headerLength);
      if (fallback.variant() != null) {
        record(endpoint, fallback, fallbackStart, predictions(fallback));
        if (fallback.answer() != null) {
          return new Forwarded(
              fallback.answer(), Routing.Variant.FALLBACK, fallback.model(), fallback.version());
        }
      }
    }
    if (primary.failure() != null) {
      throw primary.failure();
    }
    if (!primary.failed() && pinnedVersion == null) {
      shadows.copy(endpoint, body, bodyLength, contentType, headerLength, predictions, origin);
    }
    return new Forwarded(primary.answer(), primary.variant(), primary.model(), primary.version());
  }

  /**
   * Sends a metadata request (GET) to a READY replica of the endpoint's version ({@code
   * pinnedVersion}, or the active one); if the connection to it fails, once more to another.
   *
   * @param suffix what follows {@code /versions/{n}} on the runtime: empty for metadata
   */
  RuntimeHttp.Answer forward(String endpoint, Integer pinnedVersion, String suffix) {
    Sent sent =
        send(
            endpoint,
            pinnedVersion,
            failed -> routing.acquire(endpoint, pinnedVersion, failed),
            suffix,
            null,
            0,
            null,
            null);
    if (sent.failure() != null) {
      throw sent.failure();
    }
    return sent.answer();
  }

  /** The outcome of sending one request to one target: an answer, or a failure after a lease. */
  private record Sent(
      RuntimeHttp.Answer answer,
      Routing.Variant variant,
      GatewayException failure,
      String model,
      int version) {
    Sent(RuntimeHttp.Answer answer, Routing.Variant variant, GatewayException failure) {
      this(answer, variant, failure, null, 0);
    }

    /** No answer, or the runtime failed (5xx): what a fallback is for and an error rate counts. */
    boolean failed() {
      return failure != null || answer.status() >= 500;
    }
  }

  /**
   * Sends the request to the replica {@code choose} picks; if the connection to it fails, once more
   * to another. Throws for an unknown endpoint or version and for "no ready replica" before any was
   * tried; answers a {@link Sent} with the failure once a target was chosen, so the failure can be
   * counted against it (with a null variant when no target is configured at all).
   */
  private Sent send(
      String endpoint,
      Integer pinnedVersion,
      Function<Set<UUID>, Routing.Choice> choose,
      String suffix,
      byte[] body,
      int bodyLength,
      String contentType,
      String headerLength) {
    Set<UUID> failed = new HashSet<>();
    IOException lastFailure = null;
    Routing.Variant variant = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      Routing.Lease lease =
          switch (choose.apply(failed)) {
            case Routing.Choice.Chosen chosen -> chosen.lease();
            case Routing.Choice.UnknownEndpoint ignored ->
                throw new GatewayException(404, "unknown endpoint '" + endpoint + "'", 0);
            case Routing.Choice.UnknownVersion ignored ->
                throw new GatewayException(
                    404, "endpoint '" + endpoint + "' does not serve version " + pinnedVersion, 0);
            case Routing.Choice.NotReady ignored -> null;
          };
      if (lease == null) {
        return new Sent(null, variant, notReady(endpoint, lastFailure));
      }
      variant = lease.variant();
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
        return new Sent(
            renamed(answer, endpoint, suffix.isEmpty() ? "name" : "model_name"),
            variant,
            null,
            lease.model(),
            lease.version());
      } catch (RuntimeHttp.Unreached e) {
        failed.add(lease.serverId());
        lastFailure = e;
      } catch (SocketTimeoutException e) {
        return new Sent(
            null,
            variant,
            new GatewayException(
                504, "endpoint '" + endpoint + "' did not answer within " + lease.timeout(), 0));
      } catch (IOException e) {
        return new Sent(
            null,
            variant,
            new GatewayException(
                502,
                "the runtime's answer for endpoint '" + endpoint + "' failed: " + e.getMessage(),
                0));
      } finally {
        routing.release(lease);
      }
    }
    return new Sent(null, variant, notReady(endpoint, lastFailure));
  }

  private static GatewayException notReady(String endpoint, IOException lastFailure) {
    return new GatewayException(
        503,
        lastFailure == null
            ? "endpoint '" + endpoint + "' has no ready replica yet"
            : "no replica of endpoint '"
                + endpoint
                + "' could be reached: "
                + lastFailure.getMessage(),
        RETRY_AFTER_SECONDS);
  }

  private void record(String endpoint, Sent sent, long start, List<Prediction> predictions) {
    if (sent.variant() != null) {
      statistics
          .statsFor(endpoint, sent.variant().label())
          .record(System.nanoTime() - start, sent.failed(), predictions);
    }
  }

  /** The predictions in a successful JSON answer; none for binary or large answers. */
  static List<Prediction> predictions(Sent sent) {
    return sent.failure() == null ? predictions(sent.answer()) : List.of();
  }

  static List<Prediction> predictions(RuntimeHttp.Answer answer) {
    if (answer.status() != 200
        || answer.headerLength() != null
        || answer.body().length > LARGEST_ANSWER_READ) {
      return List.of();
    }
    return PredictionReader.read(answer.body());
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

  static String path(Routing.Lease lease, String suffix) {
    return "/v2/models/"
        + URLEncoder.encode(lease.model(), StandardCharsets.UTF_8)
        + "/versions/"
        + lease.version()
        + suffix;
  }

  static RuntimeHttp.Answer renamed(RuntimeHttp.Answer answer, String endpoint, String nameField) {
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
    shadows.close();
    http.close();
  }
}
