package dev.pier.console;

import dev.pier.controlplane.ControlPlaneConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * The Pier executable: the whole control plane (registry, endpoints, scheduler, local runtimes,
 * gateway and REST API) in one process, started with {@code java -jar console-ui/target/pier.jar}
 * from the repository root, where the local driver finds the runtime's jar by default.
 */
@SpringBootApplication
@Import(ControlPlaneConfiguration.class)
public class PierApplication {
  public static void main(String[] args) {
    SpringApplication.run(PierApplication.class, args);
  }
}
