package dev.pier.runtime.grpc;

import dev.pier.runtime.protocol.InferenceException;
import dev.pier.runtime.protocol.InferenceRequest;
import dev.pier.runtime.protocol.InferenceResponse;
import dev.pier.runtime.protocol.InferenceService;
import dev.pier.runtime.protocol.ModelMetadata;
import dev.pier.runtime.protocol.ModelState;
import dev.pier.runtime.protocol.RepositoryEntry;
import dev.pier.runtime.tensor.DataType;
import dev.pier.runtime.tensor.Parameters;
import dev.pier.runtime.tensor.Tensor;
import dev.pier.runtime.tensor.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * A hand-written {@link InferenceService} with one model, {@code echo}, that answers every request
 * with its inputs as outputs and its parameters as response parameters, and records what it was
 * asked. Tests steer it through its public fields.
 */
final class FakeInferenceService implements InferenceService {

  static final String MODEL = "echo";

  static final ModelMetadata METADATA =
      new ModelMetadata(
          MODEL,
          List.of("1", "2"),
          "onnxruntime_onnx",
          List.of(new TensorSpec("pixels", DataType.FP32, new long[] {-1, 3, 224, 224})),
          List.of(new TensorSpec("label", DataType.BYTES, new long[] {-1})),
          Map.of("pier.labels", "cat,dog"));

  volatile boolean ready = true;

  /** When set, every call except live() and ready() throws it. */
  volatile RuntimeException failure;

  /** When set, infer() waits for it after releasing a permit of {@link #entered}. */
  volatile CountDownLatch release;

  final Semaphore entered = new Semaphore(0);

  /** What infer() answers with, given the request. */
  volatile Function<InferenceRequest, List<Tensor>> outputs = InferenceRequest::inputs;

  volatile String lastModel;
  volatile String lastVersion;
  volatile InferenceRequest lastRequest;
  volatile Boolean lastReadyOnly;
  final List<Load> loads = new CopyOnWriteArrayList<>();
  final List<String> unloads = new CopyOnWriteArrayList<>();

  record Load(String model, Parameters parameters) {}

  @Override
  public boolean live() {
    return true;
  }

  @Override
  public boolean ready() {
    return ready;
  }

  @Override
  public ServerMetadata serverMetadata() {
    failIfAsked();
    return new ServerMetadata("pier", "0.1.0", EXTENSIONS);
  }

  @Override
  public ModelMetadata modelMetadata(String model, String version) {
    failIfAsked();
    requireKnown(model);
    return METADATA;
  }

  @Override
  public boolean modelReady(String model, String version) {
    failIfAsked();
    requireKnown(model);
    return ready;
  }

  @Override
  public InferenceResponse infer(String model, String version, InferenceRequest request) {
    lastModel = model;
    lastVersion = version;
    lastRequest = request;
    CountDownLatch latch = release;
    if (latch != null) {
      entered.release();
      try {
        latch.await();
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while blocked", interrupted);
      }
    }
    failIfAsked();
    requireKnown(model);
    return new InferenceResponse(
        model, "2", request.id(), request.parameters(), outputs.apply(request));
  }

  @Override
  public List<RepositoryEntry> repositoryIndex(boolean readyOnly) {
    failIfAsked();
    lastReadyOnly = readyOnly;
    List<RepositoryEntry> entries = new ArrayList<>();
    entries.add(new RepositoryEntry(MODEL, "2", ModelState.READY, null));
    if (!readyOnly) {
      entries.add(new RepositoryEntry("broken", "1", ModelState.FAILED, "not an ONNX file"));
    }
    return entries;
  }

  @Override
  public void load(String model, Parameters parameters) {
    failIfAsked();
    loads.add(new Load(model, parameters));
  }

  @Override
  public void unload(String model) {
    failIfAsked();
    unloads.add(model);
  }

  private void failIfAsked() {
    RuntimeException toThrow = failure;
    if (toThrow != null) {
      throw toThrow;
    }
  }

  private static void requireKnown(String model) {
    if (!MODEL.equals(model)) {
      throw InferenceException.notFound("model '" + model + "' is not in the repository");
    }
  }
}
