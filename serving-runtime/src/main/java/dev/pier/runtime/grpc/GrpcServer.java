package dev.pier.runtime.grpc;

import dev.pier.runtime.protocol.InferenceService;
import dev.pier.runtime.security.BearerToken;
import dev.pier.runtime.security.ServerTls;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The runtime's gRPC endpoint: the OIP {@code inference.GRPCInferenceService} (with the model
 * repository RPCs) and the standard {@code grpc.health.v1.Health} service, on one port.
 *
 * <p>Lifecycle: construct, {@link #start()}, then {@link #close()} once. Closing reports
 * NOT_SERVING, stops accepting calls, lets calls in flight finish for up to {@value #GRACE_SECONDS}
 * seconds and then cancels the rest.
 *
 * <p>Threading: Netty's event loops only parse and hand over; every call into the {@link
 * InferenceService} runs on one of two bounded pools — {@code threads} workers for inference, a few
 * for everything else — each with a bounded queue. A call that finds its pool and queue full fails
 * at once with {@code RESOURCE_EXHAUSTED} and a retry hint.
 *
 * <p>Security: with a {@link BearerToken}, every inference service call must carry it in its {@code
 * authorization} metadata (else {@code UNAUTHENTICATED}); the health service needs none. With
 * {@link ServerTls} the port speaks TLS only, and with mutual TLS clients must present a
 * certificate its authorities signed.
 */
public final class GrpcServer implements AutoCloseable {

  static final int GRACE_SECONDS = 5;

  static final Duration HEALTH_REFRESH_INTERVAL = Duration.ofSeconds(1);

  /** Metadata, readiness and repository calls: few and cheap, except loads, which are rare. */
  private static final int CONTROL_THREADS = 4;

  private static final int CONTROL_QUEUE_CAPACITY = 64;

  private final Server server;
  private final ThreadPoolExecutor inferenceExecutor;
  private final ThreadPoolExecutor controlExecutor;
  private final ScheduledExecutorService healthRefresher;
  private final HealthReporter health;
  private final String address;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param host address to bind, e.g. {@code 0.0.0.0}
   * @param port port to bind; 0 picks a free one, see {@link #port()}
   * @param maxMessageBytes largest request message accepted; larger ones fail with
   *     RESOURCE_EXHAUSTED before any of Pier's code runs
   * @param threads inference workers; up to 32 calls per worker may wait for one, beyond that calls
   *     fail fast (each model's max_queue_size is the finer limit behind this one)
   */
  public GrpcServer(
      InferenceService service, String host, int port, int maxMessageBytes, int threads) {
    this(service, host, port, maxMessageBytes, threads, BearerToken.NONE, null);
  }

  /**
   * @param token the token every inference call must carry, or {@link BearerToken#NONE}
   * @param tls the port's TLS, or null for plaintext
   */
  public GrpcServer(
      InferenceService service,
      String host,
      int port,
      int maxMessageBytes,
      int threads,
      BearerToken token,
      ServerTls tls) {
    this(
        service,
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port), credentials(tls)),
        host + ":" + port,
        maxMessageBytes,
        threads,
        threads * 32,
        token);
  }

  /** Binds the same services to any transport, so tests can use the in-process one. */
  GrpcServer(
      InferenceService service,
      ServerBuilder<?> transport,
      String address,
      int maxMessageBytes,
      int threads,
      int queueCapacity,
      BearerToken token) {
    if (maxMessageBytes < 1) {
      throw new IllegalArgumentException("maxMessageBytes must be positive: " + maxMessageBytes);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive: " + threads);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be positive: " + queueCapacity);
    }
    this.address = address;
    this.inferenceExecutor = boundedExecutor("pier-grpc-infer-", threads, queueCapacity);
    this.controlExecutor =
        boundedExecutor("pier-grpc-control-", CONTROL_THREADS, CONTROL_QUEUE_CAPACITY);
    this.healthRefresher =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pier-grpc-health").daemon(true).factory());
    this.health = new HealthReporter(service);
    this.server =
        transport
            // The event loop only deserializes and hands over to the bounded pools below, so a
            // second, gRPC-owned executor would add a hop and an unbounded queue for nothing.
            .directExecutor()
            .maxInboundMessageSize(maxMessageBytes)
            .addService(inference(service, health, token))
            .addService(health.service())
            .build();
  }

  private ServerServiceDefinition inference(
      InferenceService service, HealthReporter health, BearerToken token) {
    InferenceGrpcService inference =
        new InferenceGrpcService(service, inferenceExecutor, controlExecutor, health);
    // Without a token nothing is checked, so nothing is intercepted.
    return token.required()
        ? ServerInterceptors.intercept(inference, new BearerTokenInterceptor(token))
        : inference.bindService();
  }

  private static ServerCredentials credentials(ServerTls tls) {
    if (tls == null) {
      return InsecureServerCredentials.create();
    }
    TlsServerCredentials.Builder credentials =
        TlsServerCredentials.newBuilder().keyManager(tls.keyManagers());
    if (tls.clientCertificateRequired()) {
      credentials
          .trustManager(tls.clientTrust())
          .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return credentials.build();
  }

  /**
   * Binds the port and starts serving.
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public void start() {
    try {
      server.start();
    } catch (IOException failure) {
      shutDownExecutors();
      throw new UncheckedIOException("cannot start the gRPC server on " + address, failure);
    }
    health.refresh();
    healthRefresher.scheduleWithFixedDelay(
        health::refresh,
        HEALTH_REFRESH_INTERVAL.toMillis(),
        HEALTH_REFRESH_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The bound port (the real one when constructed with port 0); -1 before start. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    health.shutDown();
    healthRefresher.shutdownNow();
    server.shutdown();
    try {
      if (!server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException interrupted) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      shutDownExecutors();
    }
  }

  ThreadPoolExecutor inferenceExecutor() {
    return inferenceExecutor;
  }

  private void shutDownExecutors() {
    // By now every call has completed or been cancelled; interrupt workers still inside a model.
    inferenceExecutor.shutdownNow();
    controlExecutor.shutdownNow();
    healthRefresher.shutdownNow();
  }

  private static ThreadPoolExecutor boundedExecutor(String prefix, int threads, int queueCapacity) {
    // The default AbortPolicy throws on a full queue; InferenceGrpcService turns that into
    // RESOURCE_EXHAUSTED for the one call instead of letting it wait.
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(queueCapacity),
        Thread.ofPlatform().name(prefix, 0).daemon(true).factory());
  }
}
