package dev.pier.controlplane.error;

/**
 * What kind of failure an {@link ErrorCode} is, independent of any protocol. Each wire protocol
 * maps categories to its own status in one exhaustive switch (REST: {@code ApiExceptionHandler}).
 */
public enum ErrorCategory {
  /** The request is malformed or a value in it breaks a rule; the caller must change it. */
  INVALID_INPUT,
  /** The caller did not prove who it is, or the credentials it sent are wrong. */
  UNAUTHENTICATED,
  /** The caller is known but may not do this (role, token scope, or a password to change). */
  FORBIDDEN,
  /** The caller must wait before trying again (e.g. too many failed sign-ins). */
  TOO_MANY_REQUESTS,
  /** The addressed thing does not exist. */
  NOT_FOUND,
  /** The operation is not offered on this resource. */
  METHOD_NOT_ALLOWED,
  /** No representation the caller accepts can be produced. */
  NOT_ACCEPTABLE,
  /** The request's content type is not one the operation reads. */
  UNSUPPORTED_MEDIA_TYPE,
  /** The request is valid but contradicts the current state (duplicates, dependants). */
  CONFLICT,
  /** A condition the caller set (e.g. an expected revision) does not hold. */
  PRECONDITION_FAILED,
  /** The content is larger than a configured limit. */
  TOO_LARGE,
  /** The request is well-formed but what it refers to cannot be used (e.g. not a valid model). */
  UNPROCESSABLE,
  /**
   * A service the control plane depends on (e.g. the audit sink) cannot be reached now; the same
   * request may succeed later.
   */
  UNAVAILABLE,
  /** A fault of the control plane itself; never caused by client input. */
  INTERNAL
}
