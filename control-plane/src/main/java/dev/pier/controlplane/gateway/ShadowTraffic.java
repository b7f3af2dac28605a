package dev.pier.controlplane.gateway;

import dev.pier.controlplane.audit.CapturedPayload;
import dev.pier.controlplane.audit.InferenceAudit;
import dev.pier.controlplane.audit.InferenceCapture;
import dev.pier.controlplane.scheduler.Routing;
import dev.pier.controlplane.traffic.Prediction;
import dev.pier.controlplane.traffic.TrafficStatistics;
import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import dev.pier.runtime.grpc.proto.ModelInferRequest;
import dev.pier.runtime.grpc.proto.ModelInferResponse;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copies of requests sent to an endpoint's shadow version, off the caller's thread: the caller's
 * answer is never delayed or changed. The shadow's answer is discarded after its outcome, latency
 * and predictions are recorded, with whether its predictions agree with the primary's, and, when
 * the endpoint is audited, the shadow's answer gets an audit record of its own (flagged {@code
 * shadow}). When the copies pile up (a slow shadow), new ones are dropped and counted (the shadow
 * target's {@code shadowDropped}) rather than queued without bound.
 *
 * <p>REST copies are sent by this class's two threads over the gateway's pooled connections, at
 * most {@value #QUEUED} waiting for them. gRPC copies are handed to the same threads only to build
 * and start the call, which then runs asynchronously over the runtime's channel (no thread waits
 * for it); at most {@value #QUEUED} gRPC copies are in flight at once.
 */
final class ShadowTraffic implements AutoCloseable {
  private static final int THREADS = 2;
  private static final int QUEUED = 256;

  private final Routing routing;
  private final TrafficStatistics statistics;
  private final RuntimeHttp http;
  private final RuntimeChannels channels;
  private final ThreadPoolExecutor executor =
      new ThreadPoolExecutor(
          THREADS,
          THREADS,
          0,
          TimeUnit.MILLISECONDS,
          new ArrayBlockingQueue<>(QUEUED),
          Thread.ofPlatform().name("pier-gateway-shadow-", 0).daemon().factory(),
          // A full queue drops the copy without an exception: drops are frequent under overload.
          (task, pool) -> dropped((Copy) task));
  private final AtomicInteger grpcInFlight = new AtomicInteger();
  private final InferenceAudit audit;

  /** One queued copy: its lease, how it is sent, and whether it counts as a gRPC copy in flight. */
  private record Copy(Routing.Lease lease, Runnable send, boolean grpc) implements Runnable {
    @Override
    public void run() {
      send.run();
    }
  }

  /**
   * Who sent the request a copy is made of, for the shadow's own audit record (flagged {@code
   * shadow}, with the shadow's version and answer).
   */
  record Origin(Instant time, String caller, String traceparent, String sourceAddress) {}

  ShadowTraffic(
      Routing routing,
      TrafficStatistics statistics,
      RuntimeHttp http,
      RuntimeChannels channels,
      InferenceAudit audit) {
    this.audit = audit;
    this.routing = routing;
    this.statistics = statistics;
    this.http = http;
    this.channels = channels;
  }

  /**
   * If the endpoint has a ready shadow and this request is in its share, queues a copy; {@code
   * body} is copied here because the caller's buffer is reused for its next request.
   *
   * @param origin the request's sender, for the shadow's audit record; null when not audited
   */
  void copy(
      String endpoint,
      byte[] body,
      int bodyLength,
      String contentType,
      String headerLength,
      List<Prediction> primary,
      Origin origin) {
    Optional<Routing.Lease> chosen = routing.acquireShadow(endpoint);
    if (chosen.isEmpty()) {
      return;
    }
    Routing.Lease lease = chosen.get();
    if (executor.getQueue().remainingCapacity() == 0) {
      drop(lease); // no copy of the body for nothing
      return;
    }
    byte[] copy = Arrays.copyOf(body, bodyLength);
    executor.execute(
        new Copy(
            lease, () -> send(lease, copy, contentType, headerLength, primary, origin), false));
  }

  /**
   * If the endpoint has a ready shadow and this call is in its share, sends it a copy of the gRPC
   * {@code request} (immutable, so shared as it is).
   */
  void copy(String endpoint, ModelInferRequest request, List<Prediction> primary, Origin origin) {
    Optional<Routing.Lease> chosen = routing.acquireShadow(endpoint);
    if (chosen.isEmpty()) {
      return;
    }
    Routing.Lease lease = chosen.get();
    if (grpcInFlight.incrementAndGet() > QUEUED) {
      grpcInFlight.decrementAndGet();
      drop(lease);
      return;
    }
    executor.execute(new Copy(lease, () -> send(lease, request, primary, origin), true));
  }

  /** A copy the executor refused: its queue is full, or the gateway is shutting down. */
  private void dropped(Copy copy) {
    if (copy.grpc()) {
      grpcInFlight.decrementAndGet();
    }
    drop(copy.lease());
  }

  private void drop(Routing.Lease lease) {
    routing.release(lease);
    statistics.recordShadowDropped(lease.endpoint());
  }

  private void send(
      Routing.Lease lease,
      byte[] body,
      String contentType,
      String headerLength,
      List<Prediction> primary,
      Origin origin) {
    long start = System.nanoTime();
    boolean failed = true;
    List<Prediction> predictions = List.of();
    RuntimeHttp.Answer answer = null;
    try {
      answer =
          http.exchange(
              lease.restUrl(),
              "POST",
              Gateway.path(lease, "/infer"),
              body,
              body.length,
              contentType == null ? "application/json" : contentType,
              headerLength,
              System.nanoTime() + lease.timeout().toNanos());
      failed = answer.status() >= 500;
      predictions = Gateway.predictions(answer);
    } catch (IOException e) {
      // Counted as the shadow's error below; the caller was answered long ago.
    } finally {
      routing.release(lease);
    }
    long latency = System.nanoTime() - start;
    record(lease, latency, failed, predictions, primary);
    if (origin != null) {
      byte[] request = Gateway.auditedJson(body, body.length, headerLength);
      byte[] response =
          answer != null && answer.status() == 200
              ? Gateway.auditedJson(answer.body(), answer.body().length, answer.headerLength())
              : null;
      audited(
          origin,
          lease,
          CapturedPayload.json(request),
          CapturedPayload.json(response),
          answer == null ? 502 : answer.status(),
          answer == null
              ? "the shadow's runtime did not answer"
              : answer.status() == 200 ? null : Gateway.errorOf(answer),
          latency);
    }
  }

  /**
   * The shadow's answer on record beside the primary's. When the trail cannot take it, the copy
   * counts as dropped: the caller was answered long ago and must not wait for the shadow.
   */
  private void audited(
      Origin origin,
      Routing.Lease lease,
      CapturedPayload requestJson,
      CapturedPayload responseJson,
      int status,
      String error,
      long latencyNanos) {
    boolean taken =
        audit.capture(
            new InferenceCapture(
                origin.time(),
                lease.endpoint(),
                lease.model(),
                lease.version(),
                Routing.Variant.SHADOW.label(),
                origin.caller(),
                requestJson,
                responseJson,
                status,
                error,
                latencyNanos,
                origin.traceparent(),
                origin.sourceAddress()));
    if (!taken) {
      statistics.recordShadowDropped(lease.endpoint());
    }
  }

  /** Starts the gRPC copy's call on a shadow thread; its answer arrives on the channel's thread. */
  private void send(
      Routing.Lease lease, ModelInferRequest request, List<Prediction> primary, Origin origin) {
    long start = System.nanoTime();
    ClientCall<ModelInferRequest, ModelInferResponse> call;
    ModelInferRequest copy;
    try {
      call =
          GrpcGatewayService.newCall(
              channels,
              lease,
              GRPCInferenceServiceGrpc.getModelInferMethod(),
              Deadline.after(lease.timeout().toNanos(), TimeUnit.NANOSECONDS));
      copy = GrpcGatewayService.forRuntime(request, lease);
    } catch (RuntimeException e) {
      // The gateway is shutting down: no copy, and nothing to record against the shadow.
      grpcInFlight.decrementAndGet();
      routing.release(lease);
      return;
    }
    ClientCalls.asyncUnaryCall(
        call,
        copy,
        new StreamObserver<>() {
          private ModelInferResponse answer;

          @Override
          public void onNext(ModelInferResponse value) {
            answer = value;
          }

          @Override
          public void onError(Throwable failure) {
            closed(Status.fromThrowable(failure));
          }

          @Override
          public void onCompleted() {
            closed(Status.OK);
          }

          private void closed(Status status) {
            grpcInFlight.decrementAndGet();
            routing.release(lease);
            boolean failed =
                GrpcGatewayService.serverFailure(status.getCode())
                    || (status.isOk() && answer == null);
            long latency = System.nanoTime() - start;
            record(
                lease,
                latency,
                failed,
                failed ? List.of() : GrpcGatewayService.predictions(answer),
                primary);
            if (origin != null) {
              ModelInferResponse message = status.isOk() ? answer : null;
              audited(
                  origin,
                  lease,
                  CapturedPayload.grpc(CapturedPayload.Format.GRPC_INFER_REQUEST, request),
                  CapturedPayload.grpc(CapturedPayload.Format.GRPC_INFER_RESPONSE, message),
                  GrpcGatewayService.httpStatus(status.getCode()),
                  status.isOk() ? null : status.getDescription(),
                  latency);
            }
          }
        });
  }

  private void record(
      Routing.Lease lease,
      long latencyNanos,
      boolean failed,
      List<Prediction> predictions,
      List<Prediction> primary) {
    statistics
        .statsFor(lease.endpoint(), Routing.Variant.SHADOW.label())
        .record(latencyNanos, failed, predictions);
    if (!failed && !primary.isEmpty() && !predictions.isEmpty()) {
      statistics.recordShadow(lease.endpoint(), predictions.equals(primary));
    }
  }

  @Override
  public void close() {
    for (Runnable unsent : executor.shutdownNow()) {
      dropped((Copy) unsent);
    }
  }
}
