package dev.pier.controlplane.endpoints;

import dev.pier.controlplane.registry.ModelName;
import dev.pier.controlplane.security.Role;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.Set;

/**
 * What creating an endpoint takes.
 *
 * @param replicas default 1
 * @param timeout default 30s
 * @param inferenceRoles the roles that may infer on it; default (null or empty) every caller
 *     holding ANALYST
 */
public record NewEndpoint(
    @NotNull @Pattern(regexp = ModelName.PATTERN, message = ModelName.RULE) String name,
    @NotNull @Pattern(regexp = ModelName.PATTERN, message = ModelName.RULE) String model,
    @NotNull @Min(1) Integer version,
    @Min(1) @Max(64) Integer replicas,
    Duration timeout,
    Set<@NotNull Role> inferenceRoles) {

  /** An endpoint every analyst may call. */
  public NewEndpoint(
      String name, String model, Integer version, Integer replicas, Duration timeout) {
    this(name, model, version, replicas, timeout, null);
  }
}
