package dev.pier.controlplane.gateway;

import dev.pier.controlplane.scheduler.Routing;
import dev.pier.controlplane.traffic.Prediction;
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
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
 */
final class GrpcGatewayService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
  static final String NAME = "pier-gateway";
  private static final Logger log = LoggerFactory.getLogger(GrpcGatewayService.class);
  private static final int ATTEMPTS = 2;

  /** The call's request headers, for the sticky split: kept in the call's gRPC context. */
  private static final Context.Key<Metadata> HEADERS = Context.key("pier-request-headers");

  /** Puts each call's headers into its context, where {@link #forward} finds them. */
  static final ServerInterceptor REQUEST_HEADERS =
      new ServerInterceptor() {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
          return Contexts.interceptCall(
              Context.current().withValue(HEADERS, headers), call, headers, next);
        }
      };

  private final Routing routing;
  private final RuntimeChannels channels;
  private final TrafficStatistics statistics;
  private final String version;

  GrpcGatewayService(Routing routing, RuntimeChannels channels, TrafficStatistics statistics) {
    this.routing = routing;
    this.channels = channels;
    this.statistics = statistics;
    String implementation = GrpcGatewayService.class.getPackage().getImplementationVersion();
    this.version = implementation == null ? "development" : implementation;
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
            .setName(NAME)
            .setVersion(version)
            .addExtensions("health")
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
        observer);
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
    String endpoint = request.getModelName();
    forward(
        endpoint,
        request.getModelVersion(),
        GRPCInferenceServiceGrpc.getModelInferMethod(),
        lease ->
            request.toBuilder()
                .setModelName(lease.model())
                .setModelVersion(Integer.toString(lease.version()))
                .build(),
        answer -> answer.toBuilder().setModelName(endpoint).build(),
        observer);
  }

  private <Q, A> void forward(
      String endpoint,
      String version,
      MethodDescriptor<Q, A> method,
      Function<Routing.Lease, Q> request,
      UnaryOperator<A> rename,
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
            (ServerCallStreamObserver<A>) observer,
            Context.current().getDeadline(),
            HEADERS.get())
        .attempt();
  }

  /** One client request: up to {@link #ATTEMPTS} calls to runtimes, one after the other. */
  private final class Forwarding<Q, A> {
    private final String endpoint;
    private final Integer pinned;
    private final MethodDescriptor<Q, A> method;
    private final Function<Routing.Lease, Q> request;
    private final UnaryOperator<A> rename;
    private final ServerCallStreamObserver<A> observer;
    private final Deadline clientDeadline;
    private final Metadata headers;
    private final Set<UUID> failed = new HashSet<>();
    private long attemptStart;
    private int attempts;
    private Status lastFailure;
    private Deadline deadline;
    private volatile ClientCall<Q, A> current;

    Forwarding(
        String endpoint,
        Integer pinned,
        MethodDescriptor<Q, A> method,
        Function<Routing.Lease, Q> request,
        UnaryOperator<A> rename,
        ServerCallStreamObserver<A> observer,
        Deadline clientDeadline,
        Metadata headers) {
      this.headers = headers;
      this.endpoint = endpoint;
      this.pinned = pinned;
      this.method = method;
      this.request = request;
      this.rename = rename;
      this.observer = observer;
      this.clientDeadline = clientDeadline;
      observer.setOnCancelHandler(
          () -> {
            ClientCall<Q, A> call = current;
            if (call != null) {
              call.cancel("the client cancelled the call", null);
            }
          });
    }

    /** Picks a replica and calls it; called again from {@link #closed} to retry. */
    void attempt() {
      attempts++;
      attemptStart = System.nanoTime();
      Routing.Lease lease;
      try {
        lease =
            switch (routing.acquire(endpoint, pinned, this::header, failed)) {
              case Routing.Choice.Chosen chosen -> chosen.lease();
              case Routing.Choice.UnknownEndpoint ignored -> throw unknownEndpoint(endpoint);
              case Routing.Choice.UnknownVersion ignored -> throw unknownVersion(endpoint, pinned);
              case Routing.Choice.NotReady ignored ->
                  throw new Failure(
                      Status.UNAVAILABLE.withDescription(
                          lastFailure == null
                              ? "endpoint '" + endpoint + "' has no ready replica yet"
                              : unreachable()));
            };
      } catch (Failure failure) {
        fail(failure.status());
        return;
      }
      if (deadline == null) {
        deadline = Deadline.after(lease.timeout().toNanos(), TimeUnit.NANOSECONDS);
        if (clientDeadline != null && clientDeadline.isBefore(deadline)) {
          deadline = clientDeadline;
        }
      }
      ClientCall<Q, A> call;
      Q forwarded;
      try {
        call =
            channels
                .channel(lease.serverId(), lease.grpcTarget(), lease.grpcTls())
                .newCall(method, CallOptions.DEFAULT.withDeadline(deadline));
        forwarded = request.apply(lease);
      } catch (RuntimeException e) {
        routing.release(lease);
        log.warn("gateway could not call {}", lease.grpcTarget(), e);
        fail(Status.UNAVAILABLE.withDescription("the gateway is shutting down"));
        return;
      }
      current = call;
      call.start(new Answer(lease), new Metadata());
      call.sendMessage(forwarded);
      call.halfClose();
      call.request(2);
      if (observer.isCancelled()) {
        call.cancel("the client cancelled the call", null);
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
      if (headers == null) {
        return null;
      }
      try {
        return headers.get(
            Metadata.Key.of(name.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }

    /**
     * Counts an inference's outcome against its target: server-side failures (not bad input) are
     * errors. Predictions are only read from REST answers.
     */
    private void record(Routing.Lease lease, Status status) {
      if (method == GRPCInferenceServiceGrpc.getModelInferMethod()) {
        boolean error =
            switch (status.getCode()) {
              case INTERNAL,
                  UNKNOWN,
                  UNAVAILABLE,
                  DEADLINE_EXCEEDED,
                  DATA_LOSS,
                  RESOURCE_EXHAUSTED ->
                  true;
              default -> false;
            };
        statistics
            .statsFor(endpoint, lease.variant().label())
            .record(System.nanoTime() - attemptStart, error, Prediction.NONE);
      }
    }

    private void closed(
        Routing.Lease lease, Status status, Metadata trailers, boolean answered, A message) {
      boolean unreachedOnce =
          status.getCode() == Status.Code.UNAVAILABLE && !answered && attempts < ATTEMPTS;
      if (!unreachedOnce || observer.isCancelled()) {
        record(lease, status);
      }
      if (status.isOk()) {
        if (message == null) {
          fail(Status.INTERNAL.withDescription("the runtime answered no message"));
        } else {
          answer(message);
        }
        return;
      }
      boolean unreached = status.getCode() == Status.Code.UNAVAILABLE && !answered;
      if (unreached && !observer.isCancelled()) {
        failed.add(lease.serverId());
        lastFailure = status;
        if (attempts < ATTEMPTS) {
          attempt();
        } else {
          fail(Status.UNAVAILABLE.withDescription(unreachable()));
        }
        return;
      }
      if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
        fail(
            Status.DEADLINE_EXCEEDED.withDescription(
                deadline == clientDeadline
                    ? "endpoint '" + endpoint + "' did not answer within the call's deadline"
                    : "endpoint '" + endpoint + "' did not answer within " + lease.timeout()));
        return;
      }
      reply(() -> observer.onError(status.asRuntimeException(trailers)));
    }

    private String unreachable() {
      String cause =
          lastFailure.getDescription() != null
              ? lastFailure.getDescription()
              : String.valueOf(lastFailure.getCause());
      return "no replica of endpoint '" + endpoint + "' could be reached: " + cause;
    }

    private void answer(A message) {
      A renamed = rename.apply(message);
      reply(
          () -> {
            observer.onNext(renamed);
            observer.onCompleted();
          });
    }

    private void fail(Status status) {
      reply(() -> observer.onError(status.asRuntimeException()));
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
