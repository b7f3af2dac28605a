package dev.pier.runtime.grpc;

import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import dev.pier.runtime.grpc.proto.InferParameter;
import dev.pier.runtime.grpc.proto.ModelInferRequest;
import dev.pier.runtime.grpc.proto.ModelInferResponse;
import dev.pier.runtime.grpc.proto.ModelMetadataRequest;
import dev.pier.runtime.grpc.proto.ModelMetadataResponse;
import dev.pier.runtime.grpc.proto.ModelReadyRequest;
import dev.pier.runtime.grpc.proto.ModelReadyResponse;
import dev.pier.runtime.grpc.proto.RepositoryIndexRequest;
import dev.pier.runtime.grpc.proto.RepositoryIndexResponse;
import dev.pier.runtime.grpc.proto.RepositoryModelLoadRequest;
import dev.pier.runtime.grpc.proto.RepositoryModelLoadResponse;
import dev.pier.runtime.grpc.proto.RepositoryModelUnloadRequest;
import dev.pier.runtime.grpc.proto.RepositoryModelUnloadResponse;
import dev.pier.runtime.grpc.proto.ServerLiveRequest;
import dev.pier.runtime.grpc.proto.ServerLiveResponse;
import dev.pier.runtime.grpc.proto.ServerMetadataRequest;
import dev.pier.runtime.grpc.proto.ServerMetadataResponse;
import dev.pier.runtime.grpc.proto.ServerReadyRequest;
import dev.pier.runtime.grpc.proto.ServerReadyResponse;
import dev.pier.runtime.protocol.Answering;
import dev.pier.runtime.protocol.ErrorCode;
import dev.pier.runtime.protocol.InferenceException;
import dev.pier.runtime.protocol.InferenceRequest;
import dev.pier.runtime.protocol.InferenceResponse;
import dev.pier.runtime.protocol.InferenceService;
import dev.pier.runtime.protocol.ModelMetadata;
import dev.pier.runtime.protocol.RepositoryEntry;
import dev.pier.runtime.tensor.BufferPool;
import dev.pier.runtime.tensor.TensorSpec;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The OIP {@code GRPCInferenceService}: decodes each call, hands it to the {@link InferenceService}
 * and encodes the answer or the error.
 *
 * <p>Threading: gRPC calls these methods on the transport thread (the server runs with a direct
 * executor), where they only hand the call to a bounded executor; a full executor answers at once
 * with {@code RESOURCE_EXHAUSTED} instead of queueing without limit. Inference has its own executor
 * so that model loads and metadata calls never wait behind a burst of inference, nor the other way
 * round. No method throws: every outcome reaches the caller through the observer.
 */
final class InferenceGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

  private final InferenceService service;
  private final ExecutorService inferenceExecutor;
  private final ExecutorService controlExecutor;
  private final HealthReporter health;

  InferenceGrpcService(
      InferenceService service,
      ExecutorService inferenceExecutor,
      ExecutorService controlExecutor,
      HealthReporter health) {
    this.service = service;
    this.inferenceExecutor = inferenceExecutor;
    this.controlExecutor = controlExecutor;
    this.health = health;
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> observer) {
    run(
        controlExecutor,
        "ServerLive",
        observer,
        () -> ServerLiveResponse.newBuilder().setLive(service.live()).build());
  }

  @Override
  public void serverReady(
      ServerReadyRequest request, StreamObserver<ServerReadyResponse> observer) {
    run(
        controlExecutor,
        "ServerReady",
        observer,
        () -> {
          boolean ready = service.ready();
          health.update(ready);
          return ServerReadyResponse.newBuilder().setReady(ready).build();
        });
  }

  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> observer) {
    run(
        controlExecutor,
        "ModelReady",
        observer,
        () -> {
          boolean ready =
              service.modelReady(requireModelName(request.getName()), request.getVersion());
          return ModelReadyResponse.newBuilder().setReady(ready).build();
        });
  }

  @Override
  public void serverMetadata(
      ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> observer) {
    run(
        controlExecutor,
        "ServerMetadata",
        observer,
        () -> {
          InferenceService.ServerMetadata metadata = service.serverMetadata();
          return ServerMetadataResponse.newBuilder()
              .setName(orEmpty(metadata.name()))
              .setVersion(orEmpty(metadata.version()))
              .addAllExtensions(metadata.extensions() == null ? List.of() : metadata.extensions())
              .build();
        });
  }

  @Override
  public void modelMetadata(
      ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> observer) {
    run(
        controlExecutor,
        "ModelMetadata",
        observer,
        () ->
            toWire(
                service.modelMetadata(requireModelName(request.getName()), request.getVersion())));
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
    try {
      inferenceExecutor.execute(() -> infer(request, observer));
    } catch (RejectedExecutionException rejected) {
      observer.onError(rejection(inferenceExecutor, "ModelInfer"));
    }
  }

  @Override
  public void repositoryIndex(
      RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> observer) {
    // Pier serves one repository, so repository_name has nothing to choose between.
    run(
        controlExecutor,
        "RepositoryIndex",
        observer,
        () -> {
          var response = RepositoryIndexResponse.newBuilder();
          for (RepositoryEntry entry : service.repositoryIndex(request.getReady())) {
            response.addModels(
                RepositoryIndexResponse.ModelIndex.newBuilder()
                    .setName(orEmpty(entry.name()))
                    .setVersion(orEmpty(entry.version()))
                    .setState(entry.state() == null ? "" : entry.state().name())
                    .setReason(orEmpty(entry.reason())));
          }
          return response.build();
        });
  }

  @Override
  public void repositoryModelLoad(
      RepositoryModelLoadRequest request, StreamObserver<RepositoryModelLoadResponse> observer) {
    run(
        controlExecutor,
        "RepositoryModelLoad",
        observer,
        () -> {
          String model = requireModelName(request.getModelName());
          service.load(model, GrpcParameters.fromRepositoryWire(request.getParametersMap()));
          return RepositoryModelLoadResponse.getDefaultInstance();
        });
  }

  @Override
  public void repositoryModelUnload(
      RepositoryModelUnloadRequest request,
      StreamObserver<RepositoryModelUnloadResponse> observer) {
    // Triton's unload parameters (unload_dependents) have no meaning here: Pier has no ensembles.
    run(
        controlExecutor,
        "RepositoryModelUnload",
        observer,
        () -> {
          service.unload(requireModelName(request.getModelName()));
          return RepositoryModelUnloadResponse.getDefaultInstance();
        });
  }

  /**
   * Decodes and submits one inference. A request answered at once is written back on this worker;
   * one that waits for a batch frees the worker and is written back by a worker when its batch
   * completes, so waiting calls hold no threads.
   */
  private void infer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
    if (observer instanceof ServerCallStreamObserver<ModelInferResponse> serverObserver
        && serverObserver.isCancelled()) {
      return;
    }
    InferenceRequest decoded;
    CompletableFuture<InferenceResponse> result;
    try {
      decoded =
          new InferenceRequest(
              request.getId().isEmpty() ? null : request.getId(),
              GrpcParameters.fromWire(request.getParametersMap(), "request"),
              GrpcTensors.decodeInputs(request),
              requestedOutputs(request));
      result =
          service.inferAsync(
              requireModelName(request.getModelName()), request.getModelVersion(), decoded);
    } catch (RuntimeException failure) {
      observer.onError(GrpcErrors.toStatusException(failure, "ModelInfer"));
      return;
    }
    Answering.whenDone(result, inferenceExecutor, () -> answer(request, decoded, result, observer));
  }

  private void answer(
      ModelInferRequest request,
      InferenceRequest decoded,
      CompletableFuture<InferenceResponse> result,
      StreamObserver<ModelInferResponse> observer) {
    // The inference has completed: nothing reads the request's input buffers any more.
    BufferPool.releaseAll(decoded.inputs());
    ModelInferResponse response;
    try {
      response = encode(request, result.join());
    } catch (CompletionException failure) {
      observer.onError(GrpcErrors.toStatusException(failure.getCause(), "ModelInfer"));
      return;
    } catch (RuntimeException failure) {
      observer.onError(GrpcErrors.toStatusException(failure, "ModelInfer"));
      return;
    }
    observer.onNext(response);
    observer.onCompleted();
  }

  private static ModelInferResponse encode(ModelInferRequest request, InferenceResponse result) {
    // The id is the caller's, echoed whatever the model layer did with it.
    var response =
        ModelInferResponse.newBuilder()
            .setModelName(result.modelName() == null ? request.getModelName() : result.modelName())
            .setModelVersion(orEmpty(result.modelVersion()))
            .setId(request.getId())
            .putAllParameters(GrpcParameters.toWire(result.parameters()));
    GrpcTensors.encodeOutputs(
        result.outputs(), GrpcTensors.rawOutputs(request, result.outputs()), response);
    return response.build();
  }

  private static List<InferenceRequest.RequestedOutput> requestedOutputs(
      ModelInferRequest request) {
    List<InferenceRequest.RequestedOutput> outputs = new ArrayList<>(request.getOutputsCount());
    for (int index = 0; index < request.getOutputsCount(); index++) {
      ModelInferRequest.InferRequestedOutputTensor output = request.getOutputs(index);
      if (output.getName().isEmpty()) {
        throw InferenceException.invalid("requested output #" + index + " has no name");
      }
      String label = "output '" + output.getName() + "'";
      outputs.add(
          new InferenceRequest.RequestedOutput(
              output.getName(), GrpcParameters.fromWire(output.getParametersMap(), label)));
    }
    return outputs;
  }

  private static ModelMetadataResponse toWire(ModelMetadata metadata) {
    var response =
        ModelMetadataResponse.newBuilder()
            .setName(orEmpty(metadata.name()))
            .setPlatform(orEmpty(metadata.platform()));
    if (metadata.versions() != null) {
      response.addAllVersions(metadata.versions());
    }
    if (metadata.inputs() != null) {
      for (TensorSpec input : metadata.inputs()) {
        response.addInputs(toWire(input));
      }
    }
    if (metadata.outputs() != null) {
      for (TensorSpec output : metadata.outputs()) {
        response.addOutputs(toWire(output));
      }
    }
    if (metadata.properties() != null) {
      for (Map.Entry<String, String> property : metadata.properties().entrySet()) {
        response.putParameters(
            property.getKey(),
            InferParameter.newBuilder().setStringParam(orEmpty(property.getValue())).build());
      }
    }
    return response.build();
  }

  private static ModelMetadataResponse.TensorMetadata toWire(TensorSpec spec) {
    var tensor =
        ModelMetadataResponse.TensorMetadata.newBuilder()
            .setName(spec.name())
            .setDatatype(spec.datatype().name());
    for (long dimension : spec.shape()) {
      tensor.addShape(dimension);
    }
    return tensor.build();
  }

  private static String requireModelName(String name) {
    if (name.isEmpty()) {
      throw InferenceException.invalid("a model name is required");
    }
    return name;
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  private static <T> void run(
      ExecutorService executor, String rpc, StreamObserver<T> observer, Supplier<T> call) {
    try {
      executor.execute(() -> respond(rpc, observer, call));
    } catch (RejectedExecutionException rejected) {
      observer.onError(rejection(executor, rpc));
    }
  }

  private static StatusRuntimeException rejection(ExecutorService executor, String rpc) {
    return executor.isShutdown()
        ? GrpcErrors.toStatusException(ErrorCode.SHUTTING_DOWN, "the server is shutting down")
        : GrpcErrors.toStatusException(
            ErrorCode.OVERLOADED,
            "the server has no capacity for another " + rpc + " call; retry after a short delay");
  }

  private static <T> void respond(String rpc, StreamObserver<T> observer, Supplier<T> call) {
    // A caller that gave up (deadline, cancel) while the call was queued gets no work done for it.
    if (observer instanceof ServerCallStreamObserver<T> serverObserver
        && serverObserver.isCancelled()) {
      return;
    }
    T response;
    try {
      response = call.get();
    } catch (RuntimeException failure) {
      observer.onError(GrpcErrors.toStatusException(failure, rpc));
      return;
    } catch (Error error) {
      // Answer first (e.g. out of direct memory), so the caller does not wait for its deadline.
      observer.onError(GrpcErrors.toStatusException(error, rpc));
      throw error;
    }
    observer.onNext(response);
    observer.onCompleted();
  }
}
