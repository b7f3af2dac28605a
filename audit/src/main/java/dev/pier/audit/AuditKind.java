package dev.pier.audit;

/** What an audit record is about. */
public enum AuditKind {
  /** A change made through the control plane: who changed what, before and after. */
  ADMIN,
  /** One prediction (one instance of a request): what was asked, what answered, how it went. */
  INFERENCE
}
