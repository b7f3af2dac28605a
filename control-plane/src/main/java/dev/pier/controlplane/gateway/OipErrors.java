package dev.pier.controlplane.gateway;

import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The one place where gateway failures become OIP errors: {@code {"error": "..."}} with the status,
 * and {@code Retry-After} where waiting helps. Also used by the REST exception handler for what
 * Spring MVC rejects under {@code /v2} before the gateway sees it (unknown path, wrong method).
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

  /** Whether a request path is the gateway's, so its errors must be OIP errors. */
  public static boolean isGatewayPath(String path) {
    return path != null && (path.equals("/v2") || path.startsWith("/v2/"));
  }
}
