package dev.pier.controlplane.gateway;

/** A gateway failure with its OIP status; {@code retryAfterSeconds} > 0 adds Retry-After. */
class GatewayException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final int retryAfterSeconds;

  GatewayException(int status, String message, int retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  int status() {
    return status;
  }

  int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
