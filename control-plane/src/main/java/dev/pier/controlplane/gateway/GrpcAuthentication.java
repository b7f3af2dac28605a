package dev.pier.controlplane.gateway;

import dev.pier.controlplane.endpoints.EndpointAccess;
import dev.pier.controlplane.security.GatewayCredentials;
import dev.pier.controlplane.security.PierPrincipal;
import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import dev.pier.runtime.grpc.proto.ModelInferRequest;
import dev.pier.runtime.grpc.proto.ModelMetadataRequest;
import dev.pier.runtime.grpc.proto.ModelReadyRequest;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.Optional;

/**
 * Who may call the gateway over gRPC: the server-level RPCs ({@code ServerLive}, {@code
 * ServerReady}, {@code ServerMetadata}) are open like {@code /v2/health}; every other call needs
 * {@code authorization: Bearer <API token or OIDC access token>} metadata ({@code UNAUTHENTICATED}
 * otherwise), and the endpoint named in its request must be one the caller may use ({@code
 * PERMISSION_DENIED} otherwise, with the same reason as over REST).
 */
final class GrpcAuthentication implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** The authenticated caller's principal name, in the call's context (for the audit trail). */
  static final Context.Key<String> CALLER = Context.key("pier-caller");

  private static final Metadata.Key<String> TRACEPARENT =
      Metadata.Key.of(Gateway.TRACEPARENT, Metadata.ASCII_STRING_MARSHALLER);

  private final GatewayCredentials credentials;
  private final EndpointAccess access;
  private final Gateway gateway;

  /**
   * @param gateway where a refused inference is put on record (one refused for its credentials
   *     without its endpoint: that is in the message, which is not read for a caller without them)
   */
  GrpcAuthentication(GatewayCredentials credentials, EndpointAccess access, Gateway gateway) {
    this.credentials = credentials;
    this.access = access;
    this.gateway = gateway;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (isOpen(method)) {
      return next.startCall(call, headers);
    }
    Optional<PierPrincipal> caller = credentials.authenticate(headers.get(AUTHORIZATION));
    if (caller.isEmpty()) {
      String reason =
          headers.get(AUTHORIZATION) == null
              ? "this needs credentials: 'authorization: Bearer <API token or OIDC access"
                  + " token>' metadata"
              : "the credentials are not valid (wrong, expired or revoked)";
      if (method.equals(GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName())) {
        // On record like REST's refusals, but without an endpoint: it is named in the message,
        // which is not read (nor its up to 64 MiB parsed) for a caller without credentials.
        gateway.refused(
            Instant.now(),
            null,
            RefusedInferences.ANONYMOUS,
            401,
            reason,
            0,
            headers.get(TRACEPARENT),
            remoteAddress(call));
      }
      call.close(Status.UNAUTHENTICATED.withDescription(reason), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(
        Context.current().withValue(CALLER, caller.get().name()),
        call,
        headers,
        (started, startedHeaders) -> refusing(started, startedHeaders, next, caller.get()));
  }

  /** The call's listener, refusing a message about an endpoint the caller may not use. */
  private <Q, A> ServerCall.Listener<Q> refusing(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next, PierPrincipal caller) {
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      private boolean refused;

      @Override
      public void onMessage(Q message) {
        Optional<String> refusal = refusal(caller, message);
        if (refusal.isPresent()) {
          refused = true;
          if (message instanceof ModelInferRequest infer) {
            gateway.refused(
                Instant.now(),
                infer.getModelName(),
                caller.name(),
                403,
                refusal.get(),
                0,
                headers.get(TRACEPARENT),
                remoteAddress(call));
          }
          call.close(Status.PERMISSION_DENIED.withDescription(refusal.get()), new Metadata());
          return;
        }
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!refused) {
          super.onHalfClose();
        }
      }
    };
  }

  private static String remoteAddress(ServerCall<?, ?> call) {
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    return remote instanceof InetSocketAddress address
        ? address.getAddress().getHostAddress()
        : null;
  }

  private Optional<String> refusal(PierPrincipal caller, Object message) {
    return switch (message) {
      case ModelInferRequest infer -> access.refusal(caller, infer.getModelName(), true);
      case ModelMetadataRequest metadata -> access.refusal(caller, metadata.getName(), false);
      case ModelReadyRequest ready -> access.refusal(caller, ready.getName(), false);
      default -> Optional.empty();
    };
  }

  private static boolean isOpen(String method) {
    return method.equals(GRPCInferenceServiceGrpc.getServerLiveMethod().getFullMethodName())
        || method.equals(GRPCInferenceServiceGrpc.getServerReadyMethod().getFullMethodName())
        || method.equals(GRPCInferenceServiceGrpc.getServerMetadataMethod().getFullMethodName());
  }
}
