package dev.pier.console;

import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.gateway.GrpcGateway;
import dev.pier.controlplane.runtimes.LocalControlPlane;
import dev.pier.controlplane.users.FirstAdmin;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
  private final FirstAdmin firstAdmin;
  private final Environment environment;

  ReadyBanner(
      PierProperties properties, GrpcGateway grpc, FirstAdmin firstAdmin, Environment environment) {
    this.properties = properties;
    this.grpc = grpc;
    this.firstAdmin = firstAdmin;
    this.environment = environment;
  }

  @EventListener
  void onReady(ApplicationReadyEvent event) {
    if (event.getApplicationContext() instanceof WebServerApplicationContext web) {
      print(System.out, web.getWebServer().getPort());
    }
  }

  /**
   * Prints the block in one write: line by line, a reader of the output (a script waiting for the
   * URLs, or a log line of another thread) could come between its lines and see half of it.
   */
  void print(PrintStream out, int port) {
    String base =
        (LocalControlPlane.https(environment) ? "https" : "http") + "://localhost:" + port;
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("Pier is ready");
    lines.add("  Console:      " + base + "/");
    lines.add("  REST API:     " + base + "/api/v1");
    lines.add("  Swagger UI:   " + base + "/api/v1/docs");
    lines.add("  OIP gateway:  " + base + "/v2/models/{endpoint}/infer");
    lines.add("  OIP gRPC:     localhost:" + grpc.port() + " (inference.GRPCInferenceService)");
    lines.add("  Data:         " + properties.home());
    lines.addAll(signIn());
    lines.add("");
    out.print(String.join(System.lineSeparator(), lines) + System.lineSeparator());
    out.flush();
  }

  /** How to sign in: the first admin's one-time password while it has not been changed. */
  private List<String> signIn() {
    List<String> lines = new ArrayList<>();
    Optional<String> oneTime = firstAdmin.pendingOneTimePassword();
    if (oneTime.isPresent()) {
      lines.add(
          "  Sign in:      user " + FirstAdmin.USERNAME + ", one-time password " + oneTime.get());
      lines.add(
          "                (also in "
              + firstAdmin.passwordFile()
              + "; you choose a new one"
              + " at first sign-in)");
    } else if (firstAdmin.passwordConfigured() && firstAdmin.firstSignInPending()) {
      lines.add(
          "  Sign in:      user "
              + FirstAdmin.USERNAME
              + " with pier.security.initial-admin-password"
              + " (to be changed at first sign-in), or your own account");
    } else {
      lines.add(
          "  Sign in:      with your Pier account (the first admin is '"
              + FirstAdmin.USERNAME
              + "')");
    }
    if (properties.security().oidc().consoleSignIn()) {
      lines.add("                or through " + properties.security().oidc().issuerUri());
    }
    return lines;
  }
}
