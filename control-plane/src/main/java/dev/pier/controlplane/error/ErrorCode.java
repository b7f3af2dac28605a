package dev.pier.controlplane.error;

import java.util.Locale;

/**
 * The control plane's one error vocabulary. Every failure a caller can see has exactly one code;
 * the code's {@link ErrorCategory} decides the protocol status, its {@link #title()} is the short
 * human summary and the exception's message the specific detail.
 */
public enum ErrorCode {
  INVALID_REQUEST(ErrorCategory.INVALID_INPUT, "Invalid request"),
  VALIDATION_FAILED(ErrorCategory.INVALID_INPUT, "Validation failed"),
  INVALID_NAME(ErrorCategory.INVALID_INPUT, "Invalid name"),
  INVALID_URI(ErrorCategory.INVALID_INPUT, "Invalid artifact URI"),
  UNAUTHENTICATED(ErrorCategory.UNAUTHENTICATED, "Authentication required"),
  ACCESS_DENIED(ErrorCategory.FORBIDDEN, "Access denied"),
  PASSWORD_CHANGE_REQUIRED(ErrorCategory.FORBIDDEN, "Password change required"),
  TOO_MANY_SIGN_IN_ATTEMPTS(ErrorCategory.TOO_MANY_REQUESTS, "Too many sign-in attempts"),
  WEAK_PASSWORD(ErrorCategory.INVALID_INPUT, "Password not accepted"),
  USER_NOT_FOUND(ErrorCategory.NOT_FOUND, "User not found"),
  TOKEN_NOT_FOUND(ErrorCategory.NOT_FOUND, "API token not found"),
  USER_ALREADY_EXISTS(ErrorCategory.CONFLICT, "User already exists"),
  LAST_ADMIN(ErrorCategory.CONFLICT, "Last administrator"),
  CONFLICT_WITH_SELF(ErrorCategory.CONFLICT, "Not on your own account"),
  RESOURCE_NOT_FOUND(ErrorCategory.NOT_FOUND, "No such resource"),
  MODEL_NOT_FOUND(ErrorCategory.NOT_FOUND, "Model not found"),
  VERSION_NOT_FOUND(ErrorCategory.NOT_FOUND, "Model version not found"),
  RUNTIME_SERVER_NOT_FOUND(ErrorCategory.NOT_FOUND, "Runtime server not found"),
  ENDPOINT_NOT_FOUND(ErrorCategory.NOT_FOUND, "Endpoint not found"),
  METHOD_NOT_ALLOWED(ErrorCategory.METHOD_NOT_ALLOWED, "Method not allowed"),
  NOT_ACCEPTABLE(ErrorCategory.NOT_ACCEPTABLE, "Not acceptable"),
  UNSUPPORTED_MEDIA_TYPE(ErrorCategory.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
  MODEL_ALREADY_EXISTS(ErrorCategory.CONFLICT, "Model already exists"),
  MODEL_HAS_VERSIONS(ErrorCategory.CONFLICT, "Model has versions"),
  ENDPOINT_ALREADY_EXISTS(ErrorCategory.CONFLICT, "Endpoint already exists"),
  CONCURRENT_MODIFICATION(ErrorCategory.CONFLICT, "Concurrent modification"),
  REVISION_MISMATCH(ErrorCategory.PRECONDITION_FAILED, "Revision mismatch"),
  CANARY_ALREADY_RUNNING(ErrorCategory.CONFLICT, "A canary is already running"),
  NO_CANARY(ErrorCategory.CONFLICT, "No canary is running"),
  CANARY_NOT_READY(ErrorCategory.CONFLICT, "Canary not ready"),
  NOTHING_TO_ROLL_BACK(ErrorCategory.CONFLICT, "Nothing to roll back to"),
  ARTIFACT_TOO_LARGE(ErrorCategory.TOO_LARGE, "Artifact too large"),
  INVALID_MODEL(ErrorCategory.UNPROCESSABLE, "Invalid ONNX model"),
  ARTIFACT_UNAVAILABLE(ErrorCategory.UNPROCESSABLE, "Artifact unavailable"),
  CHECKSUM_MISMATCH(ErrorCategory.UNPROCESSABLE, "Checksum mismatch"),
  AUDIT_SINK_UNAVAILABLE(ErrorCategory.UNAVAILABLE, "Audit sink unavailable"),
  INTERNAL_ERROR(ErrorCategory.INTERNAL, "Internal error");

  private final ErrorCategory category;
  private final String title;

  ErrorCode(ErrorCategory category, String title) {
    this.category = category;
    this.title = title;
  }

  public ErrorCategory category() {
    return category;
  }

  public String title() {
    return title;
  }

  /** The code as it appears in URIs: {@code model-not-found}. */
  public String slug() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
