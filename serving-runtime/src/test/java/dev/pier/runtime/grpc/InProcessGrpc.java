package dev.pier.runtime.grpc;

import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import dev.pier.runtime.protocol.InferenceService;
import dev.pier.runtime.security.BearerToken;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.concurrent.TimeUnit;

/** A {@link GrpcServer} on the in-process transport, with a channel to it and real stubs. */
final class InProcessGrpc implements AutoCloseable {

  static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  final GrpcServer server;
  final ManagedChannel channel;

  InProcessGrpc(InferenceService service) {
    this(service, 4, 4);
  }

  InProcessGrpc(InferenceService service, int threads, int queueCapacity) {
    String name = InProcessServerBuilder.generateName();
    server =
        new GrpcServer(
            service,
            InProcessServerBuilder.forName(name),
            name,
            MAX_MESSAGE_BYTES,
            threads,
            queueCapacity,
            BearerToken.NONE);
    server.start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  /** A blocking stub with a deadline, so that a bug shows as a failure rather than a hang. */
  GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub inference() {
    return GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub inferenceFuture() {
    return GRPCInferenceServiceGrpc.newFutureStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  HealthGrpc.HealthBlockingStub health() {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.close();
  }
}
