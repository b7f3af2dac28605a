package dev.pier.controlplane.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * OIP on the control plane: {@code /v2/models/{endpoint}[/versions/{v}]} for inference, metadata
 * and readiness. Its own exception handler answers OIP errors; it takes precedence over the REST
 * API's problem-details advice.
 */
@RestController
class GatewayController {
  private static final Logger log = LoggerFactory.getLogger(GatewayController.class);

  private final Gateway gateway;

  GatewayController(Gateway gateway) {
    this.gateway = gateway;
  }

  @PostMapping("/v2/models/{endpoint}/infer")
  ResponseEntity<byte[]> infer(
      @PathVariable String endpoint,
      @RequestBody(required = false) byte[] body,
      @RequestHeader(name = "Content-Type", required = false) String contentType,
      @RequestHeader(name = Gateway.HEADER_LENGTH, required = false) String headerLength) {
    return gateway.forward(
        endpoint, null, "/infer", body == null ? new byte[0] : body, contentType, headerLength);
  }

  @PostMapping("/v2/models/{endpoint}/versions/{version}/infer")
  ResponseEntity<byte[]> inferVersion(
      @PathVariable String endpoint,
      @PathVariable String version,
      @RequestBody(required = false) byte[] body,
      @RequestHeader(name = "Content-Type", required = false) String contentType,
      @RequestHeader(name = Gateway.HEADER_LENGTH, required = false) String headerLength) {
    return gateway.forward(
        endpoint,
        version(endpoint, version),
        "/infer",
        body == null ? new byte[0] : body,
        contentType,
        headerLength);
  }

  @GetMapping("/v2/models/{endpoint}")
  ResponseEntity<byte[]> metadata(@PathVariable String endpoint) {
    return gateway.forward(endpoint, null, "", null, null, null);
  }

  @GetMapping("/v2/models/{endpoint}/versions/{version}")
  ResponseEntity<byte[]> versionMetadata(
      @PathVariable String endpoint, @PathVariable String version) {
    return gateway.forward(endpoint, version(endpoint, version), "", null, null, null);
  }

  @GetMapping("/v2/models/{endpoint}/ready")
  ResponseEntity<Object> ready(@PathVariable String endpoint) {
    return readiness(endpoint, null);
  }

  @GetMapping("/v2/models/{endpoint}/versions/{version}/ready")
  ResponseEntity<Object> versionReady(@PathVariable String endpoint, @PathVariable String version) {
    return readiness(endpoint, version(endpoint, version));
  }

  @ExceptionHandler(GatewayException.class)
  ResponseEntity<Object> failed(GatewayException e) {
    return OipErrors.error(e.status(), e.getMessage(), e.retryAfterSeconds());
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> unexpected(Exception e) {
    log.error("gateway request failed", e);
    return OipErrors.error(500, "the gateway failed to handle the request", 0);
  }

  private ResponseEntity<Object> readiness(String endpoint, Integer version) {
    return gateway.ready(endpoint, version)
        ? ResponseEntity.ok().build()
        : OipErrors.error(503, "endpoint '" + endpoint + "' is not ready", 1);
  }

  private static Integer version(String endpoint, String version) {
    try {
      int number = Integer.parseInt(version);
      if (number >= 1) {
        return number;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new GatewayException(
        404, "endpoint '" + endpoint + "' has no version '" + version + "'", 0);
  }
}
