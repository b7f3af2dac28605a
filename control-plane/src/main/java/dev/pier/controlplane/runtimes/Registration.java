package dev.pier.controlplane.runtimes;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * What a runtime sends to register. The URLs are where the control plane and the gateway will reach
 * it, so they are the runtime's advertised addresses, not necessarily where it binds. An {@code
 * https} REST URL means its REST port serves TLS; {@code grpcTls} says the same of its gRPC port
 * (absent, as from runtimes older than it: plaintext).
 */
public record Registration(
    @NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9_.-]{0,127}") String name,
    @NotBlank @Size(max = 2048) @Pattern(regexp = "https?://[^\\s/]+(/\\S*)?") String restUrl,
    @NotBlank @Size(max = 512) @Pattern(regexp = "[^\\s/]+:\\d{1,5}") String grpcTarget,
    @NotBlank @Size(max = 2048) @Pattern(regexp = "https?://[^\\s/]+(/\\S*)?") String metricsUrl,
    @NotNull @Size(max = 32)
        List<@NotNull @Pattern(regexp = "[a-z0-9][a-z0-9_.-]{0,63}") String> capabilities,
    @PositiveOrZero long memoryCapacityBytes,
    @Size(max = 128) String version,
    Boolean grpcTls) {

  public Registration {
    capabilities = capabilities == null ? null : List.copyOf(capabilities);
    version = version == null ? "" : version;
    grpcTls = grpcTls != null && grpcTls;
  }
}
