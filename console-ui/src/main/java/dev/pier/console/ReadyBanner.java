package dev.pier.console;

import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.gateway.GrpcGateway;
import dev.pier.controlplane.runtimes.LocalControlPlane;
import java.io.PrintStream;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Tells the operator, on standard output, where Pier listens once it is ready: the REST API, its
 * documentation, the inference gateway (REST and gRPC) and the data directory, with the ports
 * actually bound (which differ from the configured ones with {@code --server.port=0}).
 */
@Component
class ReadyBanner {
  private final PierProperties properties;
  private final GrpcGateway grpc;
  private final Environment environment;

  ReadyBanner(PierProperties properties, GrpcGateway grpc, Environment environment) {
    this.properties = properties;
    this.grpc = grpc;
    this.environment = environment;
  }

  @EventListener
  void onReady(ApplicationReadyEvent event) {
    if (event.getApplicationContext() instanceof WebServerApplicationContext web) {
      print(System.out, web.getWebServer().getPort());
    }
  }

  void print(PrintStream out, int port) {
    String base =
        (LocalControlPlane.https(environment) ? "https" : "http") + "://localhost:" + port;
    out.println();
    out.println("Pier is ready");
    out.println("  Console:      " + base + "/");
    out.println("  REST API:     " + base + "/api/v1");
    out.println("  Swagger UI:   " + base + "/api/v1/docs");
    out.println("  OIP gateway:  " + base + "/v2/models/{endpoint}/infer");
    out.println("  OIP gRPC:     localhost:" + grpc.port() + " (inference.GRPCInferenceService)");
    out.println("  Data:         " + properties.home());
    out.println("  Sign-in:      none yet; anyone who can reach this port has full access.");
    out.println();
    out.flush();
  }
}
