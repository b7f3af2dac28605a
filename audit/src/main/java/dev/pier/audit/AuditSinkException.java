package dev.pier.audit;

/** A sink could not be reached or failed as a whole; the operation may succeed if retried. */
public class AuditSinkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AuditSinkException(String message, Throwable cause) {
    super(message, cause);
  }

  public AuditSinkException(String message) {
    super(message);
  }
}
