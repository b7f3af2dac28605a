package dev.pier.controlplane.endpoints;

import dev.pier.controlplane.registry.ModelName;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;

/**
 * What creating an endpoint takes.
 *
 * @param replicas default 1
 * @param timeout default 30s
 */
public record NewEndpoint(
    @NotNull @Pattern(regexp = ModelName.PATTERN, message = ModelName.RULE) String name,
    @NotNull @Pattern(regexp = ModelName.PATTERN, message = ModelName.RULE) String model,
    @NotNull @Min(1) Integer version,
    @Min(1) @Max(64) Integer replicas,
    Duration timeout) {}
