package dev.pier.runtime.protocol;

import dev.pier.runtime.tensor.Parameters;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Everything the Open Inference Protocol asks of a server, once, for every transport. The REST and
 * gRPC front ends decode their wire format, call this, and encode the result or the {@link
 * InferenceException}'s {@link ErrorCode}.
 *
 * <p>Thread-safe. Methods that take a {@code version} accept null or an empty string for "the
 * server's choice" (the newest ready version).
 */
public interface InferenceService {

  /** Extensions reported in the server metadata. */
  List<String> EXTENSIONS = List.of("binary_tensor_data", "model_repository", "parameters");

  boolean live();

  /** True while at least one model is ready and no model that should be loaded has failed. */
  boolean ready();

  ServerMetadata serverMetadata();

  /**
   * @throws InferenceException NOT_FOUND for an unknown model or version
   */
  ModelMetadata modelMetadata(String model, String version);

  /**
   * @throws InferenceException NOT_FOUND for an unknown model or version
   */
  boolean modelReady(String model, String version);

  /**
   * Validates the request against the model's schema and runs it.
   *
   * @throws InferenceException INVALID_ARGUMENT, NOT_FOUND, UNAVAILABLE, OVERLOADED, ...
   */
  InferenceResponse infer(String model, String version, InferenceRequest request);

  /**
   * Like {@link #infer}, without blocking the caller while the request waits for a batch: the
   * future completes on the thread that ran the model (the caller's own when nothing is batched),
   * exceptionally with an {@link InferenceException} (possibly wrapped in a {@link
   * java.util.concurrent.CompletionException}). The request's input buffers are not read once it
   * has completed.
   */
  default CompletableFuture<InferenceResponse> inferAsync(
      String model, String version, InferenceRequest request) {
    try {
      return CompletableFuture.completedFuture(infer(model, version, request));
    } catch (RuntimeException failure) {
      return CompletableFuture.failedFuture(failure);
    }
  }

  List<RepositoryEntry> repositoryIndex(boolean readyOnly);

  /**
   * Loads (or reloads) a model. With no parameters it reads the model from the repository
   * directory; with {@code artifact_uri} and {@code sha256} (and optionally {@code version} and
   * {@code config}, a JSON string) it fetches the artifact first and verifies its digest.
   */
  void load(String model, Parameters parameters);

  /** Unloads every version of a model; in-flight requests finish first. */
  void unload(String model);

  record ServerMetadata(String name, String version, List<String> extensions) {}
}
