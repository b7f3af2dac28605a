package dev.pier.controlplane.gateway;

import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.audit.InferenceAudit;
import dev.pier.controlplane.endpoints.EndpointAccess;
import dev.pier.controlplane.scheduler.Routing;
import dev.pier.controlplane.security.GatewayCredentials;
import dev.pier.controlplane.traffic.TrafficStatistics;
import dev.pier.oip.tls.PemFile;
import dev.pier.oip.tls.PemTls;
import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The gateway's gRPC server: {@code inference.GRPCInferenceService} for clients and the standard
 * {@code grpc.health.v1.Health} service, on {@code pier.gateway.grpc-port}. It starts with the
 * application context and stops first at shutdown: health turns NOT_SERVING, new calls are refused,
 * calls in flight get up to {@link #GRACE_SECONDS} to finish.
 */
@Component
public class GrpcGateway implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(GrpcGateway.class);
  static final int GRACE_SECONDS = 10;

  private final int configuredPort;
  private final HealthStatusManager health = new HealthStatusManager();
  private final Server server;
  private volatile boolean running;

  GrpcGateway(
      PierProperties properties,
      Routing routing,
      RuntimeChannels channels,
      TrafficStatistics statistics,
      Gateway gateway,
      GatewayCredentials credentials,
      EndpointAccess access,
      InferenceAudit audit) {
    this.configuredPort = properties.gateway().grpcPort();
    this.server =
        NettyServerBuilder.forPort(configuredPort, credentials(properties.gateway()))
            // Handlers never block: they pick a replica and start an asynchronous call.
            .directExecutor()
            .maxInboundMessageSize(RuntimeChannels.MAX_MESSAGE_BYTES)
            .addService(
                ServerInterceptors.intercept(
                    new GrpcGatewayService(routing, channels, statistics, gateway.shadows(), audit),
                    GrpcGatewayService.CALL_CONTEXT,
                    // Last, so it runs first: nothing is forwarded for a caller it refuses.
                    new GrpcAuthentication(credentials, access, gateway)))
            .addService(health.getHealthService())
            .build();
  }

  /** TLS from the configured PEM files (checked at start, errors name the setting), or none. */
  private static ServerCredentials credentials(PierProperties.Gateway settings) {
    if (!settings.tls()) {
      return InsecureServerCredentials.create();
    }
    return TlsServerCredentials.newBuilder()
        .keyManager(
            PemTls.keyManagers(
                new PemFile("pier.gateway.tls-certificate", settings.tlsCertificate()),
                new PemFile("pier.gateway.tls-private-key", settings.tlsPrivateKey())))
        .build();
  }

  /** The port it listens on: the one bound when {@code pier.gateway.grpc-port} is 0. */
  public int port() {
    return running ? server.getPort() : configuredPort;
  }

  @Override
  public void start() {
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the gateway cannot listen for gRPC on port "
              + configuredPort
              + " (pier.gateway.grpc-port): "
              + e.getMessage(),
          e);
    }
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
    health.setStatus(GRPCInferenceServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    running = true;
    log.info("gateway serves OIP gRPC on port {}", server.getPort());
  }

  @Override
  public void stop() {
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
