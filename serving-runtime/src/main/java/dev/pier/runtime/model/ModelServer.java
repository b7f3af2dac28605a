package dev.pier.runtime.model;

import ai.onnxruntime.OrtException;
import dev.pier.runtime.metrics.RuntimeMetrics;
import dev.pier.runtime.protocol.ErrorCode;
import dev.pier.runtime.protocol.InferenceException;
import dev.pier.runtime.protocol.InferenceRequest;
import dev.pier.runtime.protocol.InferenceResponse;
import dev.pier.runtime.protocol.InferenceService;
import dev.pier.runtime.protocol.ModelMetadata;
import dev.pier.runtime.protocol.ModelState;
import dev.pier.runtime.protocol.RepositoryEntry;
import dev.pier.runtime.tensor.Parameters;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The runtime's {@link InferenceService}: resolves models in the repository, validates requests
 * against their schema, runs them (batched where configured) and records metrics for every outcome.
 */
public final class ModelServer implements InferenceService, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ModelServer.class.getName());
  private static final String PLATFORM = "onnxruntime_onnx";

  private final ModelRepository repository;
  private final String serverVersion;
  private volatile boolean shuttingDown;

  /**
   * @param repositoryRoot the model repository directory
   * @param defaults process-wide model defaults
   * @param memoryBudgetBytes total model memory before least-recently-used eviction; 0 = unlimited
   * @param maxArtifactBytes largest artifact the load API will fetch
   * @param artifactCredentials what downloads from the control plane authenticate with
   */
  public ModelServer(
      Path repositoryRoot,
      ModelConfig.Defaults defaults,
      long memoryBudgetBytes,
      long maxArtifactBytes,
      ArtifactCredentials artifactCredentials,
      RuntimeMetrics metrics) {
    this.repository =
        new ModelRepository(
            repositoryRoot,
            defaults,
            memoryBudgetBytes,
            maxArtifactBytes,
            artifactCredentials,
            metrics);
    String implementationVersion = ModelServer.class.getPackage().getImplementationVersion();
    this.serverVersion = implementationVersion == null ? "dev" : implementationVersion;
  }

  /** Loads every model in the repository directory. */
  public void loadRepository(int parallelism) throws IOException {
    repository.loadAll(parallelism);
  }

  /** Turns readiness off first, so load balancers stop sending before the servers stop. */
  public void beginShutdown() {
    shuttingDown = true;
  }

  @Override
  public boolean live() {
    return true;
  }

  @Override
  public boolean ready() {
    return !shuttingDown && repository.ready();
  }

  @Override
  public ServerMetadata serverMetadata() {
    return new ServerMetadata("pier-runtime", serverVersion, EXTENSIONS);
  }

  @Override
  public ModelMetadata modelMetadata(String model, String version) {
    ModelVersion resolved = repository.find(model, version);
    ModelVersion.Schema schema = resolved.schema;
    if (schema == null) {
      throw new InferenceException(
          ErrorCode.UNAVAILABLE,
          "model '"
              + model
              + "' version "
              + resolved.versionText
              + " has never loaded: "
              + resolved.reason);
    }
    List<String> versions =
        version == null || version.isEmpty()
            ? repository.versionsOf(model)
            : List.of(resolved.versionText);
    return new ModelMetadata(
        model, versions, PLATFORM, schema.inputs(), schema.outputs(), schema.properties());
  }

  @Override
  public boolean modelReady(String model, String version) {
    ModelState state = repository.find(model, version).state;
    return !shuttingDown && (state == ModelState.READY || state == ModelState.EVICTED);
  }

  @Override
  public InferenceResponse infer(String model, String version, InferenceRequest request) {
    try {
      return inferAsync(model, version, request).join();
    } catch (CompletionException e) {
      throw (InferenceException) e.getCause();
    }
  }

  /**
   * Every failure surfaces as an {@link InferenceException}, directly or as the cause of a {@link
   * CompletionException}; the model's session stays acquired until the future completes.
   */
  @Override
  public CompletableFuture<InferenceResponse> inferAsync(
      String model, String version, InferenceRequest request) {
    long start = System.nanoTime();
    if (shuttingDown) {
      return CompletableFuture.failedFuture(
          new InferenceException(ErrorCode.SHUTTING_DOWN, "the server is shutting down"));
    }
    ModelRepository.Lease lease;
    try {
      lease = repository.acquire(model, version);
    } catch (InferenceException e) {
      return CompletableFuture.failedFuture(e);
    }
    ModelVersion resolved = lease.version();
    LoadedModel loaded = lease.loaded();
    resolved.metrics.started();
    if (!loaded.tryEnter()) {
      loaded.release();
      InferenceException overloaded =
          new InferenceException(
              ErrorCode.OVERLOADED,
              "model '"
                  + model
                  + "' has "
                  + loaded.config().maxQueueSize()
                  + " requests in flight; retry shortly");
      resolved.metrics.failed(overloaded.code(), System.nanoTime() - start);
      return CompletableFuture.failedFuture(overloaded);
    }
    CompletableFuture<Execution> execution;
    try {
      execution = loaded.execute(RequestValidator.validate(model, loaded, request));
    } catch (RuntimeException e) {
      execution = CompletableFuture.failedFuture(e);
    }
    return execution.handle(
        (result, failure) -> {
          loaded.exit();
          loaded.release();
          if (failure == null) {
            resolved.metrics.succeeded(
                System.nanoTime() - start,
                result.queueNanos(),
                result.computeNanos(),
                result.batchRows());
            return new InferenceResponse(
                model, resolved.versionText, request.id(), Parameters.EMPTY, result.outputs());
          }
          InferenceException mapped = mapFailure(resolved, failure);
          resolved.metrics.failed(mapped.code(), System.nanoTime() - start);
          throw mapped;
        });
  }

  private static InferenceException mapFailure(ModelVersion resolved, Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    return switch (cause) {
      case InferenceException known -> known;
      case OrtException ort -> fromOrt(resolved.model, ort);
      default -> {
        LOG.log(
            System.Logger.Level.ERROR,
            "inference on model " + resolved.displayName() + " failed",
            cause);
        yield new InferenceException(
            ErrorCode.INTERNAL,
            "internal error while running model '" + resolved.model + "'",
            cause);
      }
    };
  }

  /**
   * ONNX Runtime reports data-dependent failures (an index out of range, say) as invalid arguments:
   * those are the caller's to fix. Anything else is the model's or the server's fault.
   */
  private static InferenceException fromOrt(String model, OrtException e) {
    if (e.getCode() == ai.onnxruntime.OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT) {
      return InferenceException.invalid(
          "model '" + model + "' rejected the input: " + e.getMessage());
    }
    LOG.log(System.Logger.Level.ERROR, "model " + model + " failed to execute", e);
    return new InferenceException(
        ErrorCode.INTERNAL, "model '" + model + "' failed to execute: " + e.getMessage(), e);
  }

  @Override
  public List<RepositoryEntry> repositoryIndex(boolean readyOnly) {
    return repository.index(readyOnly);
  }

  @Override
  public void load(String model, Parameters parameters) {
    if (shuttingDown) {
      throw new InferenceException(ErrorCode.SHUTTING_DOWN, "the server is shutting down");
    }
    repository.load(model, parameters == null ? Parameters.EMPTY : parameters);
  }

  @Override
  public void unload(String model) {
    repository.unload(model);
  }

  /** Requests queued or running in the model sessions now (for load reports, never a limit). */
  public int inFlightRequests() {
    return repository.inFlight();
  }

  /** The model memory in use, as the memory budget counts it (estimated per loaded session). */
  public long memoryUsedBytes() {
    return repository.memoryUsedBytes();
  }

  @Override
  public void close() {
    shuttingDown = true;
    repository.close();
  }
}
