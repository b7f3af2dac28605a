package dev.pier.controlplane.gateway;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * The one place where gateway failures become OIP errors: {@code {"error": "..."}} with the status,
 * and {@code Retry-After} where waiting helps: written by the gateway's servlet, and used by the
 * REST exception handler for anything under {@code /v2} that Spring MVC would see.
 */
public final class OipErrors {
  private OipErrors() {}

  public static ResponseEntity<Object> error(int status, String message, int retryAfterSeconds) {
    ResponseEntity.BodyBuilder response =
        ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
    if (retryAfterSeconds > 0) {
      response.header(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
    }
    return response.body(Map.of("error", message == null ? "request failed" : message));
  }

  /** Writes the OIP error to a servlet response. */
  static void write(HttpServletResponse response, int status, String message, int retryAfterSeconds)
      throws IOException {
    if (response.isCommitted()) {
      return; // the answer has begun: nothing else can be said
    }
    response.setStatus(status);
    response.setContentType("application/json");
    if (retryAfterSeconds > 0) {
      response.setHeader(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
    }
    byte[] escaped =
        JsonStringEncoder.getInstance().quoteAsUTF8(message == null ? "request failed" : message);
    byte[] body = new byte[escaped.length + 12];
    System.arraycopy("{\"error\":\"".getBytes(StandardCharsets.US_ASCII), 0, body, 0, 10);
    System.arraycopy(escaped, 0, body, 10, escaped.length);
    body[body.length - 2] = '"';
    body[body.length - 1] = '}';
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** Whether a request path is the gateway's, so its errors must be OIP errors. */
  public static boolean isGatewayPath(String path) {
    return path != null && (path.equals("/v2") || path.startsWith("/v2/"));
  }
}
