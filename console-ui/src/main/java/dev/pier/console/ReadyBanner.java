package dev.pier.console;

import dev.pier.controlplane.PierProperties;
import java.io.PrintStream;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Tells the operator, on standard output, where Pier listens once it is ready: the REST API, its
 * documentation, the inference gateway and the data directory, with the port actually bound (which
 * differs from the configured one with {@code --server.port=0}).
 */
@Component
class ReadyBanner {
  private final PierProperties properties;

  ReadyBanner(PierProperties properties) {
    this.properties = properties;
  }

  @EventListener
  void onReady(ApplicationReadyEvent event) {
    if (event.getApplicationContext() instanceof WebServerApplicationContext web) {
      print(System.out, web.getWebServer().getPort());
    }
  }

  void print(PrintStream out, int port) {
    String base = "http://localhost:" + port;
    out.println();
    out.println("Pier is ready");
    out.println("  REST API:     " + base + "/api/v1");
    out.println("  Swagger UI:   " + base + "/api/v1/docs");
    out.println("  OIP gateway:  " + base + "/v2/models/{endpoint}/infer");
    out.println("  Data:         " + properties.home());
    out.println("  The browser console and sign-in arrive with the console capability.");
    out.println();
    out.flush();
  }
}
