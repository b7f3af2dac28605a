package dev.pier.runtime.registration;

import dev.pier.runtime.protocol.RepositoryEntry;
import java.util.List;

/**
 * What a heartbeat reports: a snapshot of the runtime's load, read without taking any lock a
 * request holds.
 *
 * @param inFlightRequests requests queued or running in the model sessions
 * @param memoryUsedBytes model memory in use
 * @param models every model version in the repository index, with its state
 */
public record RuntimeLoad(
    int inFlightRequests, long memoryUsedBytes, List<RepositoryEntry> models) {

  public RuntimeLoad {
    models = List.copyOf(models);
  }
}
