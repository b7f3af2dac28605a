package dev.pier.runtime.grpc;

import static dev.pier.runtime.grpc.ModelInferTest.input;
import static dev.pier.runtime.grpc.ModelInferTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import com.google.rpc.RetryInfo;
import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import dev.pier.runtime.grpc.proto.ModelInferResponse;
import dev.pier.runtime.grpc.proto.ServerLiveRequest;
import dev.pier.runtime.tensor.DataType;
import dev.pier.runtime.testing.Awaiting;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server's lifecycle, admission control and health service. */
class GrpcServerTest {
  /** A generous bound for what happens on another thread; not a timing check. */
  private static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(10);

  private final FakeInferenceService fake = new FakeInferenceService();

  @Test
  void healthFollowsReadinessForTheServerAndTheInferenceService() throws InterruptedException {
    try (var grpc = new InProcessGrpc(fake)) {
      assertThat(health(grpc, "")).isEqualTo(ServingStatus.SERVING);
      assertThat(health(grpc, "inference.GRPCInferenceService")).isEqualTo(ServingStatus.SERVING);

      fake.ready = false;
      // A ServerReady call refreshes health at once.
      grpc.inference()
          .serverReady(dev.pier.runtime.grpc.proto.ServerReadyRequest.getDefaultInstance());
      assertThat(health(grpc, "")).isEqualTo(ServingStatus.NOT_SERVING);
      assertThat(health(grpc, "inference.GRPCInferenceService"))
          .isEqualTo(ServingStatus.NOT_SERVING);

      fake.ready = true;
      // Without one, the periodic refresh catches up.
      Awaiting.until(
          "health reports SERVING", TIMEOUT, () -> health(grpc, "") == ServingStatus.SERVING);
      assertThat(health(grpc, "inference.GRPCInferenceService")).isEqualTo(ServingStatus.SERVING);
    }
  }

  @Test
  void healthOfAnUnknownServiceIsNotFound() {
    try (var grpc = new InProcessGrpc(fake)) {
      assertThatThrownBy(() -> health(grpc, "no.such.Service"))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              failure ->
                  assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }
  }

  @Test
  void aFullExecutorFailsTheNextCallFastWithResourceExhaustedAndARetryHint() throws Exception {
    var release = new CountDownLatch(1);
    fake.release = release;
    try (var grpc = new InProcessGrpc(fake, 1, 1)) {
      ListenableFuture<ModelInferResponse> running =
          grpc.inferenceFuture().modelInfer(request().build());
      assertThat(fake.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
      ListenableFuture<ModelInferResponse> queued =
          grpc.inferenceFuture().modelInfer(request().build());
      Awaiting.until(
          "one call waits in the inference queue",
          TIMEOUT,
          () -> grpc.server.inferenceExecutor().getQueue().size() == 1);

      StatusRuntimeException rejected = inferFailure(grpc);
      assertThat(rejected.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(rejected.getStatus().getDescription()).contains("retry");
      assertThat(StatusProto.fromThrowable(rejected).getDetails(1).unpack(RetryInfo.class))
          .isNotNull();
      // Control calls have their own executor and still go through.
      assertThat(grpc.inference().serverLive(ServerLiveRequest.getDefaultInstance()).getLive())
          .isTrue();

      release.countDown();
      assertThat(running.get(10, TimeUnit.SECONDS).getModelName()).isEqualTo("echo");
      assertThat(queued.get(10, TimeUnit.SECONDS).getModelName()).isEqualTo("echo");
    }
  }

  @Test
  void closeLetsCallsInFlightFinishAndRefusesNewOnes() throws Exception {
    var release = new CountDownLatch(1);
    fake.release = release;
    var grpc = new InProcessGrpc(fake);
    try {
      ListenableFuture<ModelInferResponse> inFlight =
          grpc.inferenceFuture().modelInfer(request().build());
      assertThat(fake.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();

      var closer = Thread.ofPlatform().start(grpc.server::close);
      Awaiting.until("ServerLive fails with UNAVAILABLE", TIMEOUT, () -> liveFails(grpc));
      assertThat(health(grpc)).isNotEqualTo(ServingStatus.SERVING);
      release.countDown();

      assertThat(inFlight.get(10, TimeUnit.SECONDS).getModelName()).isEqualTo("echo");
      closer.join(TimeUnit.SECONDS.toMillis(GrpcServer.GRACE_SECONDS + 5));
      assertThat(closer.isAlive()).isFalse();
      assertThatThrownBy(() -> grpc.inference().serverLive(ServerLiveRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              failure ->
                  assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    } finally {
      release.countDown();
      grpc.close();
    }
  }

  @Test
  void servesOverNettyOnAnEphemeralPortAndEnforcesTheMessageLimit() {
    var server = new GrpcServer(fake, "127.0.0.1", 0, 1024, 2);
    server.start();
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    try {
      assertThat(server.port()).isPositive();
      var stub =
          GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
      assertThat(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
      assertThat(
              HealthGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .check(HealthCheckRequest.getDefaultInstance())
                  .getStatus())
          .isEqualTo(ServingStatus.SERVING);

      // Real serialization this time: raw bytes survive the wire.
      byte[] raw = ModelInferTest.littleEndian(8, data -> data.putFloat(1.25f).putFloat(-3f));
      ModelInferResponse response =
          stub.modelInfer(
              request()
                  .addInputs(input("x", DataType.FP32, 2))
                  .addRawInputContents(ByteString.copyFrom(raw))
                  .build());
      assertThat(response.getRawOutputContents(0).toByteArray()).containsExactly(raw);

      assertThatThrownBy(
              () ->
                  stub.modelInfer(
                      request()
                          .addInputs(input("x", DataType.UINT8, 2048))
                          .addRawInputContents(ByteString.copyFrom(new byte[2048]))
                          .build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              failure ->
                  assertThat(failure.getStatus().getCode())
                      .isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    } finally {
      channel.shutdownNow();
      server.close();
    }
  }

  @Test
  void startingOnAPortInUseNamesTheAddress() throws Exception {
    try (var occupied = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      var server = new GrpcServer(fake, "127.0.0.1", occupied.getLocalPort(), 1024, 1);
      try {
        assertThatThrownBy(server::start)
            .isInstanceOf(UncheckedIOException.class)
            .hasMessageContaining("127.0.0.1:" + occupied.getLocalPort());
      } finally {
        server.close();
      }
    }
  }

  @Test
  void closeIsIdempotentAndWorksBeforeStart() {
    var server = new GrpcServer(fake, "127.0.0.1", 0, 1024, 1);
    server.close();
    server.close();
  }

  private static ServingStatus health(InProcessGrpc grpc, String service) {
    return grpc.health()
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  private static ServingStatus health(InProcessGrpc grpc) {
    try {
      return health(grpc, "");
    } catch (StatusRuntimeException shutDown) {
      return ServingStatus.UNKNOWN;
    }
  }

  private static boolean liveFails(InProcessGrpc grpc) {
    try {
      grpc.inference().serverLive(ServerLiveRequest.getDefaultInstance());
      return false;
    } catch (StatusRuntimeException failure) {
      return failure.getStatus().getCode() == Status.Code.UNAVAILABLE;
    }
  }

  private static StatusRuntimeException inferFailure(InProcessGrpc grpc) {
    try {
      grpc.inference().modelInfer(request().build());
    } catch (StatusRuntimeException failure) {
      return failure;
    }
    throw new AssertionError("the call succeeded");
  }
}
