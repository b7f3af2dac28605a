package dev.pier.audit;

/** How the audited action ended; {@link AuditRecord#status()} carries the protocol's detail. */
public enum Outcome {
  SUCCESS,
  FAILURE
}
