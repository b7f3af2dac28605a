package dev.pier.runtime.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.pier.runtime.protocol.ErrorCode;
import dev.pier.runtime.protocol.InferenceException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * The one place where the runtime's {@link ErrorCode} becomes a gRPC status. Every error leaves as
 * a {@code google.rpc.Status} carrying the caller-facing message and an {@code ErrorInfo} whose
 * reason is the {@link ErrorCode} name, so a client can tell, say, a shutting-down server from an
 * unavailable model although both are {@code UNAVAILABLE} on the wire.
 */
final class GrpcErrors {

  /** The {@code ErrorInfo} domain: the runtime's error vocabulary, not Google's. */
  static final String DOMAIN = "runtime.pier.dev";

  static final String INTERNAL_MESSAGE = "internal server error; the runtime log has the details";

  /** How long an overloaded caller is asked to wait before retrying. */
  private static final Duration RETRY_DELAY = Duration.newBuilder().setSeconds(1).build();

  private static final System.Logger LOGGER = System.getLogger(GrpcErrors.class.getName());

  private GrpcErrors() {}

  /**
   * The wire code for each error. {@code PAYLOAD_TOO_LARGE} is {@code INVALID_ARGUMENT}, not {@code
   * RESOURCE_EXHAUSTED}: the request exceeds a configured limit and retrying it unchanged can never
   * succeed, while clients' retry policies commonly treat {@code RESOURCE_EXHAUSTED} as "try again
   * later", which is what {@code OVERLOADED} means. ({@code OUT_OF_RANGE} is for reading past the
   * end of a range, not for a size limit.)
   */
  static Status.Code code(ErrorCode errorCode) {
    return switch (errorCode) {
      case INVALID_ARGUMENT, PAYLOAD_TOO_LARGE -> Status.Code.INVALID_ARGUMENT;
      case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
      case NOT_FOUND -> Status.Code.NOT_FOUND;
      case UNAVAILABLE, SHUTTING_DOWN -> Status.Code.UNAVAILABLE;
      case OVERLOADED -> Status.Code.RESOURCE_EXHAUSTED;
      case UNIMPLEMENTED -> Status.Code.UNIMPLEMENTED;
      case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
      case INTERNAL -> Status.Code.INTERNAL;
    };
  }

  static StatusRuntimeException toStatusException(InferenceException exception) {
    return toStatusException(exception.code(), exception.getMessage());
  }

  static StatusRuntimeException toStatusException(ErrorCode errorCode, String message) {
    var status =
        com.google.rpc.Status.newBuilder()
            .setCode(code(errorCode).value())
            .setMessage(message == null ? errorCode.name() : message)
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(errorCode.name()).build()));
    if (errorCode == ErrorCode.OVERLOADED) {
      status.addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(RETRY_DELAY).build()));
    }
    return StatusProto.toStatusRuntimeException(status.build());
  }

  /**
   * The status for any throwable: an {@link InferenceException} keeps its code and message;
   * anything else is a fault of the server, logged here with its stack trace and sent as a generic
   * {@code INTERNAL} so that no internal detail reaches the caller.
   */
  static StatusRuntimeException toStatusException(Throwable failure, String rpc) {
    if (failure instanceof InferenceException exception) {
      return toStatusException(exception);
    }
    LOGGER.log(System.Logger.Level.ERROR, "gRPC " + rpc + " failed unexpectedly", failure);
    return toStatusException(ErrorCode.INTERNAL, INTERNAL_MESSAGE);
  }
}
