package dev.pier.runtime.protocol;

/**
 * The runtime's one error vocabulary. Each protocol maps a code to the wire in one place: {@code
 * RestErrors} to an HTTP status with {@code {"error": ...}}, {@code GrpcErrors} to a
 * google.rpc.Status code.
 */
public enum ErrorCode {
  /** The request is malformed or does not fit the model: the caller must change it. */
  INVALID_ARGUMENT,
  /** The request body is larger than the configured limit. */
  PAYLOAD_TOO_LARGE,
  /** No such model, version or tensor. */
  NOT_FOUND,
  /** The model exists but is not loaded and ready. */
  UNAVAILABLE,
  /** The model's queue is full; the caller may retry after a short delay. */
  OVERLOADED,
  /** The operation or feature is valid OIP but this server does not support it. */
  UNIMPLEMENTED,
  /** A model load or an artifact fetch failed for a reason outside the caller's request. */
  FAILED_PRECONDITION,
  /** The caller did not present the runtime's bearer token ({@code --auth-token}). */
  UNAUTHENTICATED,
  /** The server is shutting down. */
  SHUTTING_DOWN,
  /** A fault of the server itself; never used for anything a client sent. */
  INTERNAL
}
