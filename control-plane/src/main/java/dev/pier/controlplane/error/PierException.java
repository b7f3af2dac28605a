package dev.pier.controlplane.error;

import java.util.Objects;

/**
 * The control plane's one exception for failures a caller should see. The message is the detail
 * shown to the caller, so it names the offending value or setting and never carries internals
 * (stack traces, SQL, file system paths of the server).
 */
public class PierException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public PierException(ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public PierException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public ErrorCode code() {
    return code;
  }
}
