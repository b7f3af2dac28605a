package dev.pier.controlplane.gateway;

import dev.pier.controlplane.audit.CapturedPayload;
import dev.pier.controlplane.audit.InferenceAudit;
import dev.pier.controlplane.audit.InferenceCapture;
import dev.pier.controlplane.scheduler.Routing;
import dev.pier.controlplane.security.CurrentUser;
import dev.pier.controlplane.traffic.Prediction;
import dev.pier.controlplane.traffic.PredictionReader;
import dev.pier.controlplane.traffic.TrafficStatistics;
import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import dev.pier.runtime.grpc.proto.ModelInferRequest;
import dev.pier.runtime.grpc.proto.ModelInferResponse;
import dev.pier.runtime.grpc.proto.ModelMetadataRequest;
import dev.pier.runtime.grpc.proto.ModelMetadataResponse;
import dev.pier.runtime.grpc.proto.ModelReadyRequest;
import dev.pier.runtime.grpc.proto.ModelReadyResponse;
import dev.pier.runtime.grpc.proto.ServerLiveRequest;
import dev.pier.runtime.grpc.proto.ServerLiveResponse;
import dev.pier.runtime.grpc.proto.ServerMetadataRequest;
import dev.pier.runtime.grpc.proto.ServerMetadataResponse;
import dev.pier.runtime.grpc.proto.ServerReadyRequest;
import dev.pier.runtime.grpc.proto.ServerReadyResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's {@code inference.GRPCInferenceService}: {@code name} is the endpoint's name and
 * {@code version} (optional) pins a model version, like {@code /versions/{v}} on REST.
 *
 * <p>{@code ModelInfer} and {@code ModelMetadata} are forwarded asynchronously over the runtime's
 * persistent channel ({@link RuntimeChannels}): no thread waits for the answer. The request's model
 * name and version become the registry model and version of the chosen replica; the answer's name
 * becomes the endpoint's again. A call that fails with {@code UNAVAILABLE} before the runtime sent
 * anything back (it could not be reached, or it is not ready) is sent once more to another replica.
 * The endpoint's timeout is the call's deadline ({@code DEADLINE_EXCEEDED}), or the client's own
 * deadline when that is sooner. The routing lease is released exactly once, when the runtime's call
 * closes (or at once when no call could be made). The repository RPCs are the control plane's
 * business, not a client's: they answer {@code UNIMPLEMENTED}.
 *
 * <p>{@code ModelInfer} follows the endpoint's traffic policy like REST inference: the canary split
 * (sticky by a request header read from the call's metadata); when the primary fails — no answer,
 * the deadline, or a status that means the server failed ({@link #serverFailure}) — and a fallback
 * is ready, the fallback answers instead; the answer's {@code pier-target} metadata (in the
 * headers, or in the trailers of an error) says which target answered. A successful answer may be
 * copied to the shadow ({@link ShadowTraffic}) after the caller's answer is on its way. Each
 * target's outcome, latency and predictions ({@link PredictionReader}) go to {@link
 * TrafficStatistics}.
 */
final class GrpcGatewayService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(GrpcGatewayService.class);
  private static final int ATTEMPTS = 2;

  /** Which target answered an inference, like REST's {@code Pier-Target} header. */
  static final Metadata.Key<String> TARGET =
      Metadata.Key.of(
          GatewayServlet.TARGET_HEADER.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER);

  /** The client's call, kept in the call's gRPC context, where {@link #forward} finds it. */
  private static final Context.Key<GatewayCall<?, ?>> CALL = Context.key("pier-gateway-call");

  /** Wraps each call in a {@link GatewayCall} and puts it into the call's context. */
  static final ServerInterceptor CALL_CONTEXT =
      new ServerInterceptor() {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
          GatewayCall<Q, A> gatewayCall = new GatewayCall<>(call, headers);
          return Contexts.interceptCall(
              Context.current().withValue(CALL, gatewayCall), gatewayCall, headers, next);
        }
      };

  /**
   * A client's call to the gateway: its request headers (for a sticky split) and, once it is known,
   * the target that answers it, sent back as {@link #TARGET} in the answer's headers or, for an
   * error answered without headers, in its trailers.
   */
  private static final class GatewayCall<Q, A>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, A> {
    private final Metadata requestHeaders;
    private volatile String target;
    private volatile boolean headersSent;

    GatewayCall(ServerCall<Q, A> call, Metadata requestHeaders) {
      super(call);
      this.requestHeaders = requestHeaders;
    }

    @Override
    public void sendHeaders(Metadata headers) {
      String answeredBy = target;
      if (answeredBy != null) {
        headers.put(TARGET, answeredBy);
      }
      headersSent = true;
      super.sendHeaders(headers);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      String answeredBy = target;
      if (answeredBy != null && !headersSent) {
        trailers.put(TARGET, answeredBy);
      }
      super.close(status, trailers);
    }
  }

  /**
   * What an inference adds to forwarding: the predictions read from an answer for the statistics,
   * and the copy for the shadow given the primary's predictions.
   */
  private record Inference<A>(
      Function<A, List<Prediction>> predictions,
      Consumer<List<Prediction>> shadow,
      Audited<A> audited) {}

  /** Hands the answer of an inference to the audit trail; false when the trail cannot take it. */
  private interface Audited<A> {
    boolean answered(Routing.Lease lease, String variant, A message, Status status);
  }

  private final Routing routing;
  private final RuntimeChannels channels;
  private final TrafficStatistics statistics;
  private final ShadowTraffic shadows;
  private final InferenceAudit audit;

  GrpcGatewayService(
      Routing routing,
      RuntimeChannels channels,
      TrafficStatistics statistics,
      ShadowTraffic shadows,
      InferenceAudit audit) {
    this.routing = routing;
    this.audit = audit;
    // The audit thread renders the serialized messages, also those replayed after a restart.
    audit.renderWith(
        CapturedPayload.Format.GRPC_INFER_REQUEST,
        bytes -> GrpcPayloads.request(parse(ModelInferRequest.parser(), bytes)));
    audit.renderWith(
        CapturedPayload.Format.GRPC_INFER_RESPONSE,
        bytes -> GrpcPayloads.response(parse(ModelInferResponse.parser(), bytes)));
    this.channels = channels;
    this.statistics = statistics;
    this.shadows = shadows;
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> observer) {
    observer.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
    observer.onCompleted();
  }

  @Override
  public void serverReady(
      ServerReadyRequest request, StreamObserver<ServerReadyResponse> observer) {
    observer.onNext(ServerReadyResponse.newBuilder().setReady(true).build());
    observer.onCompleted();
  }

  @Override
  public void serverMetadata(
      ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> observer) {
    observer.onNext(
        ServerMetadataResponse.newBuilder()
            .setName(GatewayServerMetadata.NAME)
            .setVersion(GatewayServerMetadata.VERSION)
            .addAllExtensions(GatewayServerMetadata.EXTENSIONS)
            .build());
    observer.onCompleted();
  }

  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> observer) {
    String endpoint = request.getName();
    try {
      Integer pinned = version(endpoint, request.getVersion());
      boolean ready =
          switch (routing.acquire(endpoint, pinned, Set.of())) {
            case Routing.Choice.Chosen chosen -> {
              routing.release(chosen.lease());
              yield true;
            }
            case Routing.Choice.UnknownEndpoint ignored -> throw unknownEndpoint(endpoint);
            case Routing.Choice.UnknownVersion ignored -> throw unknownVersion(endpoint, pinned);
            case Routing.Choice.NotReady ignored -> false;
          };
      observer.onNext(ModelReadyResponse.newBuilder().setReady(ready).build());
      observer.onCompleted();
    } catch (Failure failure) {
      observer.onError(failure.status().asRuntimeException());
    }
  }

  @Override
  public void modelMetadata(
      ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> observer) {
    String endpoint = request.getName();
    forward(
        endpoint,
        request.getVersion(),
        GRPCInferenceServiceGrpc.getModelMetadataMethod(),
        lease ->
            request.toBuilder()
                .setName(lease.model())
                .setVersion(Integer.toString(lease.version()))
                .build(),
        answer -> answer.toBuilder().setName(endpoint).build(),
        null,
        observer);
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
    String endpoint = request.getModelName();
    ShadowTraffic.Origin origin = audit.recordsAny(endpoint) ? origin() : null;
    forward(
        endpoint,
        request.getModelVersion(),
        GRPCInferenceServiceGrpc.getModelInferMethod(),
        lease -> forRuntime(request, lease),
        answer -> answer.toBuilder().setModelName(endpoint).build(),
        new Inference<>(
            GrpcGatewayService::predictions,
            primary -> shadows.copy(endpoint, request, primary, origin),
            origin == null
                ? (lease, variant, message, status) -> true // the policy samples 0 %
                : audited(request, origin)),
        observer);
  }

  /**
   * What the audit trail gets of one gRPC inference: the request and answer messages themselves
   * (immutable, so nothing is copied), rendered as OIP JSON on the audit thread ({@link
   * GrpcPayloads}), the caller from the call's context and the W3C {@code traceparent} metadata.
   */
  private Audited<ModelInferResponse> audited(
      ModelInferRequest request, ShadowTraffic.Origin origin) {
    long start = System.nanoTime();
    return (lease, variant, message, status) ->
        audit.capture(
            new InferenceCapture(
                origin.time(),
                request.getModelName(),
                lease == null ? null : lease.model(),
                lease == null ? 0 : lease.version(),
                variant,
                origin.caller(),
                CapturedPayload.grpc(CapturedPayload.Format.GRPC_INFER_REQUEST, request),
                CapturedPayload.grpc(CapturedPayload.Format.GRPC_INFER_RESPONSE, message),
                httpStatus(status.getCode()),
                status.isOk() ? null : status.getDescription(),
                System.nanoTime() - start,
                origin.traceparent(),
                null));
  }

  /** This call's caller and {@code traceparent}, from its context and metadata. */
  private static ShadowTraffic.Origin origin() {
    String caller = GrpcAuthentication.CALLER.get();
    GatewayCall<?, ?> call = CALL.get();
    return new ShadowTraffic.Origin(
        Instant.now(),
        caller == null ? CurrentUser.SYSTEM : caller,
        call == null ? null : call.requestHeaders.get(TRACEPARENT),
        null);
  }

  private static <M> M parse(com.google.protobuf.Parser<M> parser, byte[] bytes) {
    try {
      return parser.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("a captured gRPC message does not parse", e);
    }
  }

  private static final Metadata.Key<String> TRACEPARENT =
      Metadata.Key.of(Gateway.TRACEPARENT, Metadata.ASCII_STRING_MARSHALLER);

  /** The HTTP status REST answers for the same outcome. */
  static int httpStatus(Status.Code code) {
    return switch (code) {
      case OK -> 200;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case CANCELLED -> 499;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE, RESOURCE_EXHAUSTED -> 503;
      case DEADLINE_EXCEEDED -> 504;
      case INTERNAL, UNKNOWN, DATA_LOSS -> 500;
    };
  }

  /** The client's inference request as the lease's runtime serves it: registry name and version. */
  static ModelInferRequest forRuntime(ModelInferRequest request, Routing.Lease lease) {
    return request.toBuilder()
        .setModelName(lease.model())
        .setModelVersion(Integer.toString(lease.version()))
        .build();
  }

  /** A call to the lease's runtime over its persistent channel; throws once shutting down. */
  static <Q, A> ClientCall<Q, A> newCall(
      RuntimeChannels channels,
      Routing.Lease lease,
      MethodDescriptor<Q, A> method,
      Deadline deadline) {
    return channels
        .channel(lease.serverId(), lease.grpcTarget(), lease.grpcTls())
        .newCall(method, CallOptions.DEFAULT.withDeadline(deadline));
  }

  /**
   * The predictions of a runtime's answer, for the statistics; none for answers too large to read
   * cheaply (the limit REST answers have).
   */
  static List<Prediction> predictions(ModelInferResponse answer) {
    return answer.getSerializedSize() > Gateway.LARGEST_ANSWER_READ
        ? List.of()
        : PredictionReader.read(answer);
  }

  /**
   * Whether a runtime call's status means that the server failed, not the caller: what a fallback
   * is for and an error rate counts, as no answer, a timeout or a 5xx are on REST. The runtime's
   * {@code INTERNAL}, {@code UNAVAILABLE} and {@code RESOURCE_EXHAUSTED} (overloaded) are its 500
   * and 503; {@code DEADLINE_EXCEEDED} is the gateway's 504; {@code UNKNOWN} and {@code DATA_LOSS}
   * are a call that broke. The caller's own mistakes ({@code INVALID_ARGUMENT}, {@code NOT_FOUND},
   * {@code UNIMPLEMENTED} for an unsupported parameter…) and a cancelled call are not.
   */
  static boolean serverFailure(Status.Code code) {
    return switch (code) {
      case INTERNAL, UNKNOWN, UNAVAILABLE, DEADLINE_EXCEEDED, DATA_LOSS, RESOURCE_EXHAUSTED -> true;
      default -> false;
    };
  }

  private <Q, A> void forward(
      String endpoint,
      String version,
      MethodDescriptor<Q, A> method,
      Function<Routing.Lease, Q> request,
      UnaryOperator<A> rename,
      Inference<A> inference,
      StreamObserver<A> observer) {
    Integer pinned;
    try {
      pinned = version(endpoint, version);
    } catch (Failure failure) {
      observer.onError(failure.status().asRuntimeException());
      return;
    }
    new Forwarding<>(
            endpoint,
            pinned,
            method,
            request,
            rename,
            inference,
            (ServerCallStreamObserver<A>) observer,
            Context.current().getDeadline(),
            CALL.get())
        .attempt();
  }

  /**
   * One client request: up to {@link #ATTEMPTS} calls to the primary's replicas, one after the
   * other, then, for an inference whose primary failed, up to as many to the fallback's.
   */
  private final class Forwarding<Q, A> {
    private final String endpoint;
    private final Integer pinned;
    private final MethodDescriptor<Q, A> method;
    private final Function<Routing.Lease, Q> request;
    private final UnaryOperator<A> rename;
    private final Inference<A> inference;
    private final ServerCallStreamObserver<A> observer;
    private final Deadline clientDeadline;
    private final GatewayCall<?, ?> call;
    private final Set<UUID> failed = new HashSet<>();
    private long attemptStart;
    private int attempts;
    private Status lastFailure;
    private Deadline deadline;
    private Failed primaryFailure; // set once the fallback is tried
    private Routing.Lease lastLease; // the target that answered last, for the audit trail
    private volatile ClientCall<Q, A> current;

    Forwarding(
        String endpoint,
        Integer pinned,
        MethodDescriptor<Q, A> method,
        Function<Routing.Lease, Q> request,
        UnaryOperator<A> rename,
        Inference<A> inference,
        ServerCallStreamObserver<A> observer,
        Deadline clientDeadline,
        GatewayCall<?, ?> call) {
      this.endpoint = endpoint;
      this.pinned = pinned;
      this.method = method;
      this.request = request;
      this.rename = rename;
      this.inference = inference;
      this.observer = observer;
      this.clientDeadline = clientDeadline;
      this.call = call;
      observer.setOnCancelHandler(
          () -> {
            ClientCall<Q, A> runtimeCall = current;
            if (runtimeCall != null) {
              runtimeCall.cancel("the client cancelled the call", null);
            }
          });
    }

    /** Picks a replica and calls it; called again from {@link #closed} to retry or fall back. */
    void attempt() {
      attempts++;
      attemptStart = System.nanoTime();
      Routing.Lease lease;
      try {
        Routing.Choice choice =
            primaryFailure != null
                ? routing.acquireFallback(endpoint, failed)
                : routing.acquire(endpoint, pinned, this::header, failed);
        lease =
            switch (choice) {
              case Routing.Choice.Chosen chosen -> chosen.lease();
              case Routing.Choice.UnknownEndpoint ignored -> throw unknownEndpoint(endpoint);
              case Routing.Choice.UnknownVersion ignored -> throw unknownVersion(endpoint, pinned);
              case Routing.Choice.NotReady ignored -> null;
            };
      } catch (Failure failure) {
        fail(failure.status());
        return;
      }
      if (lease == null) {
        if (primaryFailure != null) {
          answer(primaryFailure); // no fallback (left) to answer: the primary's failure stands
        } else {
          fail(
              Status.UNAVAILABLE.withDescription(
                  lastFailure == null
                      ? "endpoint '" + endpoint + "' has no ready replica yet"
                      : unreachable()));
        }
        return;
      }
      if (deadline == null) {
        deadline = Deadline.after(lease.timeout().toNanos(), TimeUnit.NANOSECONDS);
        if (clientDeadline != null && clientDeadline.isBefore(deadline)) {
          deadline = clientDeadline;
        }
      }
      ClientCall<Q, A> runtimeCall;
      Q forwarded;
      try {
        runtimeCall = newCall(channels, lease, method, deadline);
        forwarded = request.apply(lease);
      } catch (RuntimeException e) {
        routing.release(lease);
        log.warn("gateway could not call {}", lease.grpcTarget(), e);
        fail(Status.UNAVAILABLE.withDescription("the gateway is shutting down"));
        return;
      }
      current = runtimeCall;
      runtimeCall.start(new Answer(lease), new Metadata());
      runtimeCall.sendMessage(forwarded);
      runtimeCall.halfClose();
      runtimeCall.request(2);
      if (observer.isCancelled()) {
        runtimeCall.cancel("the client cancelled the call", null);
      }
    }

    private final class Answer extends ClientCall.Listener<A> {
      private final Routing.Lease lease;
      private boolean answered;
      private A message;

      Answer(Routing.Lease lease) {
        this.lease = lease;
      }

      @Override
      public void onHeaders(Metadata headers) {
        answered = true;
      }

      @Override
      public void onMessage(A message) {
        this.message = message;
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        routing.release(lease); // onClose comes exactly once per call
        closed(lease, status, trailers, answered, message);
      }
    }

    /** A request header by name, for a sticky split; null when absent or not a gRPC key. */
    private String header(String name) {
      if (call == null) {
        return null;
      }
      try {
        return call.requestHeaders.get(
            Metadata.Key.of(name.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }

    private void closed(
        Routing.Lease lease, Status status, Metadata trailers, boolean answered, A message) {
      long latency = System.nanoTime() - attemptStart;
      lastLease = lease;
      // UNAVAILABLE before the runtime sent anything: it could not be reached or is not ready.
      boolean unreached = status.getCode() == Status.Code.UNAVAILABLE && !answered;
      if (unreached && !observer.isCancelled()) {
        failed.add(lease.serverId());
        lastFailure = status;
        if (attempts < ATTEMPTS) {
          attempt();
          return;
        }
      }
      // The target's outcome; a runtime's own status keeps its trailers and names the target.
      Failed outcome;
      if (status.isOk()) {
        outcome =
            message != null
                ? null
                : new Failed(
                    Status.INTERNAL.withDescription("the runtime answered no message"), null, null);
      } else if (unreached) {
        outcome = new Failed(Status.UNAVAILABLE.withDescription(unreachable()), null, null);
      } else if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
        outcome =
            new Failed(
                Status.DEADLINE_EXCEEDED.withDescription(
                    deadline == clientDeadline
                        ? "endpoint '" + endpoint + "' did not answer within the call's deadline"
                        : "endpoint '" + endpoint + "' did not answer within " + lease.timeout()),
                null,
                null);
      } else {
        outcome = new Failed(status, trailers, inference == null ? null : lease.variant());
      }
      if (inference == null) {
        answer(outcome, message, null);
        return;
      }
      boolean failure = outcome != null && serverFailure(outcome.status().getCode());
      List<Prediction> predictions =
          outcome == null ? inference.predictions().apply(message) : List.of();
      statistics.statsFor(endpoint, lease.variant().label()).record(latency, failure, predictions);
      if (failure && pinned == null && primaryFailure == null && !observer.isCancelled()) {
        primaryFailure = outcome;
        attempts = 0;
        failed.clear();
        lastFailure = null;
        deadline = null; // the fallback gets the endpoint's timeout of its own, like on REST
        attempt();
        return;
      }
      if (primaryFailure != null && outcome != null && outcome.target() == null) {
        answer(primaryFailure); // the fallback did not answer at all: the primary's failure stands
        return;
      }
      answer(outcome, message, lease.variant());
      if (outcome == null && primaryFailure == null && pinned == null) {
        inference.shadow().accept(predictions); // after the caller's answer is on its way
      }
    }

    private String unreachable() {
      String cause =
          lastFailure.getDescription() != null
              ? lastFailure.getDescription()
              : String.valueOf(lastFailure.getCause());
      return "no replica of endpoint '" + endpoint + "' could be reached: " + cause;
    }

    /**
     * Answers the message, or the failure when there is one.
     *
     * @param target the target that answered the message, for {@link #TARGET}; null for none
     */
    private void answer(Failed failure, A message, Routing.Variant target) {
      if (failure != null) {
        answer(failure);
        return;
      }
      if (target != null && call != null) {
        call.target = target.label();
      }
      A renamed = rename.apply(message);
      if (!audited(renamed, Status.OK)) {
        reply(
            () ->
                observer.onError(
                    Status.UNAVAILABLE
                        .withDescription(
                            "the audit trail cannot keep up; the request was not served")
                        .asRuntimeException()));
        return;
      }
      reply(
          () -> {
            observer.onNext(renamed);
            observer.onCompleted();
          });
    }

    private void answer(Failed failure) {
      if (failure.target() != null && call != null) {
        call.target = failure.target().label();
      }
      audited(null, failure.status());
      reply(() -> observer.onError(failure.status().asRuntimeException(failure.trailers())));
    }

    private void fail(Status status) {
      audited(null, status);
      reply(() -> observer.onError(status.asRuntimeException()));
    }

    /** Hands an inference's answer to the audit trail (other calls are not audited). */
    private boolean audited(A message, Status status) {
      if (inference == null || inference.audited() == null) {
        return true;
      }
      return inference
          .audited()
          .answered(lastLease, call == null ? null : call.target, message, status);
    }

    private void reply(Runnable reply) {
      if (observer.isCancelled()) {
        return; // nobody is listening any more
      }
      try {
        reply.run();
      } catch (RuntimeException e) {
        log.debug("the gateway's client went away before its answer", e);
      }
    }
  }

  /**
   * A failed call to a target, as it would be answered: the status, the runtime's trailers (null
   * when the gateway made the status) and the target when the runtime itself answered (for {@link
   * #TARGET}), else null.
   */
  private record Failed(Status status, Metadata trailers, Routing.Variant target) {}

  private static Integer version(String endpoint, String version) {
    if (endpoint.isEmpty()) {
      throw new Failure(
          Status.INVALID_ARGUMENT.withDescription(
              "the model name (an endpoint's name) is missing"));
    }
    if (version.isEmpty()) {
      return null;
    }
    try {
      int number = Integer.parseInt(version);
      if (number >= 1) {
        return number;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new Failure(
        Status.NOT_FOUND.withDescription(
            "endpoint '" + endpoint + "' has no version '" + version + "'"));
  }

  private static Failure unknownEndpoint(String endpoint) {
    return new Failure(Status.NOT_FOUND.withDescription("unknown endpoint '" + endpoint + "'"));
  }

  private static Failure unknownVersion(String endpoint, Integer version) {
    return new Failure(
        Status.NOT_FOUND.withDescription(
            "endpoint '" + endpoint + "' does not serve version " + version));
  }

  /** A gRPC error answered to the client; internal to this class's control flow. */
  private static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Status status;

    Failure(Status status) {
      super(status.getDescription(), null, false, false);
      this.status = status;
    }

    Status status() {
      return status;
    }
  }
}
