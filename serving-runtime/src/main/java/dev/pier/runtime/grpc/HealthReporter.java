package dev.pier.runtime.grpc;

import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import dev.pier.runtime.protocol.InferenceService;
import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;

/**
 * Keeps the standard {@code grpc.health.v1} service in step with {@link InferenceService#ready()},
 * for the whole server ({@code ""}) and for the inference service by name.
 *
 * <p>The health service answers from a stored status on the transport thread, so it never calls the
 * runtime and never queues behind inference. The status is refreshed by {@link GrpcServer} once a
 * second and on every OIP {@code ServerReady} call, so a probe sees a change within a second.
 * Thread-safe.
 */
final class HealthReporter {

  static final String INFERENCE_SERVICE = GRPCInferenceServiceGrpc.SERVICE_NAME;

  private static final System.Logger LOGGER = System.getLogger(HealthReporter.class.getName());

  private final InferenceService service;
  private final HealthStatusManager health = new HealthStatusManager();

  HealthReporter(InferenceService service) {
    this.service = service;
    // Not serving until the first refresh has asked the runtime.
    update(false);
  }

  BindableService service() {
    return health.getHealthService();
  }

  /** Asks the runtime whether it is ready and publishes the answer. */
  void refresh() {
    boolean ready;
    try {
      ready = service.ready();
    } catch (RuntimeException failure) {
      // Runs on the refresh thread, where an escaping exception would cancel the schedule.
      LOGGER.log(
          System.Logger.Level.WARNING, "readiness check failed; reporting NOT_SERVING", failure);
      ready = false;
    }
    update(ready);
  }

  /** Publishes a readiness answer already obtained; watchers hear only of changes. */
  void update(boolean ready) {
    ServingStatus status = ready ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
    health.setStatus(INFERENCE_SERVICE, status);
  }

  /** Reports NOT_SERVING for good, so that load balancers drain before the server stops. */
  void shutDown() {
    health.enterTerminalState();
  }
}
