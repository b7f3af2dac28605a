package dev.pier.runtime.registration;

import java.util.List;
import java.util.Objects;

/**
 * What a runtime tells the control plane about itself when it registers.
 *
 * @param name stable across restarts, so a restarted runtime keeps its identity
 * @param restUrl the OIP REST base URL, e.g. {@code http://10.0.0.5:8000}
 * @param grpcTarget the OIP gRPC target, {@code host:port}
 * @param grpcTls whether the gRPC port speaks TLS (the REST URL says so by its scheme)
 * @param metricsUrl the Prometheus endpoint
 * @param capabilities e.g. {@code onnx}, {@code cpu}, {@code gpu}
 * @param memoryCapacityBytes the model memory the runtime offers (see {@link
 *     dev.pier.runtime.registration.ControlPlaneClient#memoryCapacity(long)})
 * @param version the runtime's version
 */
public record RuntimeRegistration(
    String name,
    String restUrl,
    String grpcTarget,
    boolean grpcTls,
    String metricsUrl,
    List<String> capabilities,
    long memoryCapacityBytes,
    String version) {

  public RuntimeRegistration {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(restUrl, "restUrl");
    Objects.requireNonNull(grpcTarget, "grpcTarget");
    Objects.requireNonNull(metricsUrl, "metricsUrl");
    capabilities = List.copyOf(capabilities);
    Objects.requireNonNull(version, "version");
  }
}
