package dev.pier.runtime.protocol;

import java.util.Objects;

/**
 * An error with a categorised {@link ErrorCode} and a message written for the caller: it names the
 * model, tensor or field at fault and says what is wrong.
 */
public final class InferenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public InferenceException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = Objects.requireNonNull(code);
  }

  public InferenceException(ErrorCode code, String message, Throwable cause) {
    super(message, cause, false, false);
    this.code = Objects.requireNonNull(code);
  }

  public ErrorCode code() {
    return code;
  }

  public static InferenceException invalid(String message) {
    return new InferenceException(ErrorCode.INVALID_ARGUMENT, message);
  }

  public static InferenceException notFound(String message) {
    return new InferenceException(ErrorCode.NOT_FOUND, message);
  }
}
