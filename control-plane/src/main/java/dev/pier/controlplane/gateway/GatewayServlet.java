package dev.pier.controlplane.gateway;

import dev.pier.controlplane.endpoints.EndpointAccess;
import dev.pier.controlplane.security.CurrentUser;
import dev.pier.controlplane.security.PierPrincipal;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OIP over HTTP on the control plane, under {@code /v2/*}: server metadata at {@code /v2}, {@code
 * /v2/health/live} and {@code /v2/health/ready} (GET, open to every caller), {@code
 * /v2/models/{endpoint}[/versions/{v}]} for metadata (GET), {@code .../ready} (GET) and {@code
 * .../infer} (POST). A plain servlet rather than Spring MVC handler methods: the gateway only
 * passes bytes on, and dispatch, argument resolution and content negotiation cost more than the
 * forward itself. The servlet filter chain still applies. Every failure, an unknown path or a wrong
 * method included, is an OIP error ({@link OipErrors}).
 *
 * <p>The request body is read into a buffer reused by the request thread (up to {@link
 * #MAX_BODY_BYTES}; 413 beyond) and the answer's bytes are written straight out.
 */
final class GatewayServlet extends HttpServlet {
  /**
   * Which target answered an inference: {@code stable}, {@code canary}, {@code pinned} or {@code
   * fallback} (the primary failed and the fallback answered instead).
   */
  static final String TARGET_HEADER = "Pier-Target";

  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(GatewayServlet.class);

  /** The runtime's default request limit ({@code --max-request-size} 64 MiB). */
  static final int MAX_BODY_BYTES = RuntimeChannels.MAX_MESSAGE_BYTES;

  /** Request buffers up to this size stay with their thread for the next request. */
  private static final int KEPT_BUFFER_BYTES = 1024 * 1024;

  private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[8192]);

  private final transient Gateway gateway;
  private final transient CurrentUser currentUser;
  private final transient EndpointAccess access;

  GatewayServlet(Gateway gateway, CurrentUser currentUser, EndpointAccess access) {
    this.gateway = gateway;
    this.currentUser = currentUser;
    this.access = access;
  }

  /** A parsed gateway path: the endpoint, the version segment (or null) and the operation. */
  private record Route(String endpoint, String version, String operation) {}

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    serve(request, response, currentUser.principal());
  }

  /**
   * Answers a gateway request on behalf of {@code caller}, the principal its credentials stand for
   * (empty: none): from {@link #service} after the security filter chain, or straight from {@link
   * BearerGatewayRequests}, which skips that chain for requests it can authenticate itself.
   */
  void serve(
      HttpServletRequest request, HttpServletResponse response, Optional<PierPrincipal> caller)
      throws IOException {
    String method = request.getMethod();
    try {
      byte[] open = openResource(request);
      if (open != null) {
        // Open to every caller, like gRPC's ServerLive, ServerReady and ServerMetadata: they name
        // no endpoint, and the gateway serves as long as it runs (whether an endpoint can answer
        // is its own /ready).
        if (!(method.equals("GET") || method.equals("HEAD"))) {
          response.setHeader("Allow", "GET, HEAD");
          throw new GatewayException(405, "Request method '" + method + "' is not supported", 0);
        }
        response.setStatus(200);
        response.setContentLength(open.length);
        if (open.length > 0) {
          response.setContentType("application/json");
          if (!method.equals("HEAD")) {
            response.getOutputStream().write(open);
          }
        }
        return;
      }
      Route route = route(request);
      if (route == null) {
        throw new GatewayException(404, "no OIP resource at " + request.getRequestURI(), 0);
      }
      boolean infer = route.operation().equals("infer");
      boolean head = method.equals("HEAD");
      if (infer ? !method.equals("POST") : !(method.equals("GET") || head)) {
        response.setHeader("Allow", infer ? "POST" : "GET, HEAD");
        throw new GatewayException(405, "Request method '" + method + "' is not supported", 0);
      }
      // The security filter chain let only authenticated callers this far; which endpoint they
      // may use is known only here.
      Optional<String> refusal =
          caller
              .map(principal -> access.refusal(principal, route.endpoint(), infer))
              .orElse(Optional.of("this needs credentials"));
      String callerName = caller.map(PierPrincipal::name).orElse(CurrentUser.SYSTEM);
      if (refusal.isPresent()) {
        if (infer) {
          gateway.refused(
              Instant.now(),
              route.endpoint(),
              callerName,
              403,
              refusal.get(),
              0,
              request.getHeader(Gateway.TRACEPARENT),
              request.getRemoteAddr());
          request.setAttribute(RefusedInferences.RECORDED, Boolean.TRUE);
        }
        throw new GatewayException(403, refusal.get(), 0);
      }
      Integer version = route.version() == null ? null : version(route);
      if (route.operation().equals("ready")) {
        if (!gateway.ready(route.endpoint(), version)) {
          throw new GatewayException(503, "endpoint '" + route.endpoint() + "' is not ready", 1);
        }
        response.setStatus(200);
        response.setContentLength(0);
        return;
      }
      RuntimeHttp.Answer answer;
      if (infer) {
        Body body = readBody(request, response);
        Gateway.Forwarded forwarded =
            gateway.infer(
                route.endpoint(),
                version,
                body.bytes(),
                body.length(),
                request.getContentType(),
                request.getHeader(Gateway.HEADER_LENGTH),
                request::getHeader,
                callerName,
                request.getRemoteAddr());
        answer = forwarded.answer();
        response.setHeader(TARGET_HEADER, forwarded.variant().label());
      } else {
        answer = gateway.forward(route.endpoint(), version, "");
      }
      write(answer, response, head);
    } catch (GatewayException e) {
      OipErrors.write(response, e.status(), e.getMessage(), e.retryAfterSeconds());
    } catch (IOException e) {
      throw e; // the client went away: nobody to answer
    } catch (RuntimeException e) {
      log.error("{} {} failed", method, request.getRequestURI(), e);
      OipErrors.write(response, 500, "the gateway failed to handle the request", 0);
    }
  }

  private static void write(RuntimeHttp.Answer answer, HttpServletResponse response, boolean head)
      throws IOException {
    response.setStatus(answer.status());
    if (answer.contentType() != null) {
      response.setContentType(answer.contentType());
    }
    if (answer.retryAfter() != null) {
      response.setHeader("Retry-After", answer.retryAfter());
    }
    if (answer.headerLength() != null) {
      response.setHeader(Gateway.HEADER_LENGTH, answer.headerLength());
    }
    byte[] body = answer.body();
    response.setContentLength(body.length);
    if (!head && body.length > 0) {
      response.getOutputStream().write(body);
    }
  }

  /** A request body: the first {@code length} bytes of {@code bytes}. */
  private record Body(byte[] bytes, int length) {}

  /** Reads the body into this thread's buffer (a larger one for large bodies). */
  private static Body readBody(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > MAX_BODY_BYTES) {
      throw tooLarge(declared, response);
    }
    byte[] buffer = BUFFER.get();
    if (declared > buffer.length) {
      buffer = new byte[(int) declared];
    }
    InputStream in = request.getInputStream();
    int length = 0;
    while (declared < 0 || length < declared) {
      if (length == buffer.length) {
        if (length > MAX_BODY_BYTES) {
          throw tooLarge(length, response);
        }
        buffer = Arrays.copyOf(buffer, (int) Math.min(length * 2L, MAX_BODY_BYTES + 1L));
      }
      int read = in.read(buffer, length, buffer.length - length);
      if (read < 0) {
        break;
      }
      length += read;
    }
    if (length > MAX_BODY_BYTES) {
      throw tooLarge(length, response);
    }
    if (buffer.length <= KEPT_BUFFER_BYTES) {
      BUFFER.set(buffer);
    }
    return new Body(buffer, length);
  }

  private static GatewayException tooLarge(long length, HttpServletResponse response) {
    response.setHeader("Connection", "close"); // the rest of the body is not worth reading
    return new GatewayException(
        413,
        "request body of "
            + (length > MAX_BODY_BYTES ? "more than " + MAX_BODY_BYTES : length)
            + " bytes exceeds the limit of "
            + MAX_BODY_BYTES
            + " bytes",
        0);
  }

  private static final byte[] NO_BODY = new byte[0];

  /**
   * The answer to a resource open to every caller: the health probes (no body) and the server
   * metadata at {@code /v2}; null for any other path.
   */
  private static byte[] openResource(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return switch (path) {
      case "/v2/health/live", "/v2/health/ready" -> NO_BODY;
      case "/v2" -> GatewayServerMetadata.JSON;
      default -> null;
    };
  }

  /** The endpoint a gateway path names, or null when it names none. */
  static String endpointOf(HttpServletRequest request) {
    Route route = route(request);
    return route == null ? null : route.endpoint();
  }

  private static Route route(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    if (!path.startsWith("/v2/models/")) {
      return null;
    }
    String[] segments = path.substring("/v2/models/".length()).split("/", -1);
    String endpoint = decode(segments[0]);
    if (endpoint.isEmpty()) {
      return null;
    }
    return switch (segments.length) {
      case 1 -> new Route(endpoint, null, "metadata");
      case 2 -> operation(endpoint, null, segments[1]);
      case 3 ->
          segments[1].equals("versions")
              ? new Route(endpoint, decode(segments[2]), "metadata")
              : null;
      case 4 ->
          segments[1].equals("versions")
              ? operation(endpoint, decode(segments[2]), segments[3])
              : null;
      default -> null;
    };
  }

  private static Route operation(String endpoint, String version, String operation) {
    return operation.equals("infer") || operation.equals("ready")
        ? new Route(endpoint, version, operation)
        : null;
  }

  private static String decode(String segment) {
    return segment.indexOf('%') < 0 ? segment : URLDecoder.decode(segment, StandardCharsets.UTF_8);
  }

  private static Integer version(Route route) {
    try {
      int number = Integer.parseInt(route.version());
      if (number >= 1) {
        return number;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new GatewayException(
        404, "endpoint '" + route.endpoint() + "' has no version '" + route.version() + "'", 0);
  }
}
