package dev.pier.runtime.grpc;

import dev.pier.runtime.protocol.ErrorCode;
import dev.pier.runtime.security.BearerToken;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;

/**
 * Refuses calls without the runtime's bearer token in their {@code authorization} metadata, with
 * {@code UNAUTHENTICATED} as a {@code google.rpc.Status} (see {@link GrpcErrors}), before the
 * request message is read. Installed on the inference service only: the standard health service
 * stays open for probes.
 */
final class BearerTokenInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final BearerToken token;

  BearerTokenInterceptor(BearerToken token) {
    this.token = token;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    String authorization = headers.get(AUTHORIZATION);
    if (token.accepts(authorization)) {
      return next.startCall(call, headers);
    }
    StatusRuntimeException refusal =
        GrpcErrors.toStatusException(
            ErrorCode.UNAUTHENTICATED,
            authorization == null
                ? "this runtime needs the metadata 'authorization: Bearer <token>' (its"
                    + " auth-token)"
                : "the bearer token is wrong; it is the runtime's auth-token");
    call.close(refusal.getStatus(), refusal.getTrailers());
    return new ServerCall.Listener<>() {};
  }
}
