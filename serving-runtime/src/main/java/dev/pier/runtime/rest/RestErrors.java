package dev.pier.runtime.rest;

import dev.pier.runtime.protocol.ErrorCode;

/** The one mapping from the runtime's error vocabulary to HTTP status codes. */
final class RestErrors {
  private RestErrors() {}

  static int status(ErrorCode code) {
    return switch (code) {
      // The OIP error vocabulary is 400/404/503/501; an oversized body is a bad request.
      case INVALID_ARGUMENT, PAYLOAD_TOO_LARGE, FAILED_PRECONDITION -> 400;
      case UNAUTHENTICATED -> 401;
      case NOT_FOUND -> 404;
      case UNAVAILABLE, OVERLOADED, SHUTTING_DOWN -> 503;
      case UNIMPLEMENTED -> 501;
      case INTERNAL -> 500;
    };
  }

  /** Seconds a client should wait before retrying, for the codes where retrying helps. */
  static String retryAfterSeconds(ErrorCode code) {
    return switch (code) {
      case OVERLOADED -> "1";
      case UNAVAILABLE, SHUTTING_DOWN -> "5";
      default -> null;
    };
  }
}
