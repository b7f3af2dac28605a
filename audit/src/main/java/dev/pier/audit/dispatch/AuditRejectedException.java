package dev.pier.audit.dispatch;

/**
 * The dispatcher could not take a record within its bounded wait: the record is not recorded, and
 * the caller should not go on as if it were (the gateway answers 503).
 */
public class AuditRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AuditRejectedException(String message) {
    super(message);
  }
}
