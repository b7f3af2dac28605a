package dev.pier.controlplane.runtimes;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * What a runtime reports every heartbeat interval.
 *
 * @param inFlightRequests requests queued or running in its model sessions
 * @param memoryUsedBytes model memory in use
 * @param models every model version in its repository index, with the runtime's state for it
 */
public record Heartbeat(
    @PositiveOrZero int inFlightRequests,
    @PositiveOrZero long memoryUsedBytes,
    @NotNull @Size(max = 100_000) List<@NotNull @Valid LoadedModel> models) {

  /** One entry of the runtime's repository index. */
  public record LoadedModel(
      @NotBlank @Size(max = 128) String name,
      @NotNull @Size(max = 20) String version,
      @NotBlank @Size(max = 16) String state,
      @Size(max = 4000) String reason) {}
}
