package dev.pier.runtime.model;

import dev.pier.runtime.tensor.Tensor;
import dev.pier.runtime.tensor.TensorSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded session of one model version, with everything needed to serve it.
 *
 * <p>Lifetime: requests {@link #tryAcquire()} it and {@link #release()} it when done; a reload,
 * unload or eviction {@link #retire() retires} it, and the session closes when the last request
 * releases it. So no request ever runs on a closed session and none is failed by a change.
 */
final class LoadedModel {
  private final OnnxModel onnx;
  private final ModelConfig config;
  private final long memoryBytes;
  private final Map<String, TensorSpec> inputsByName;
  private final Map<String, TensorSpec> outputsByName;
  private final List<String> outputNames;
  private final Optional<DynamicBatcher> batcher;
  private final AtomicInteger users = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean retired;

  LoadedModel(OnnxModel onnx, ModelConfig config, long memoryBytes, String displayName) {
    this.onnx = onnx;
    this.config = config;
    this.memoryBytes = memoryBytes;
    this.inputsByName = byName(onnx.inputs());
    this.outputsByName = byName(onnx.outputs());
    this.outputNames = onnx.outputs().stream().map(TensorSpec::name).toList();
    this.batcher =
        config.batching().map(batching -> new DynamicBatcher(displayName, onnx, batching, config));
  }

  private static Map<String, TensorSpec> byName(List<TensorSpec> specs) {
    java.util.LinkedHashMap<String, TensorSpec> map = new java.util.LinkedHashMap<>();
    for (TensorSpec spec : specs) {
      map.put(spec.name(), spec);
    }
    return java.util.Collections.unmodifiableMap(map);
  }

  OnnxModel onnx() {
    return onnx;
  }

  ModelConfig config() {
    return config;
  }

  long memoryBytes() {
    return memoryBytes;
  }

  List<TensorSpec> inputs() {
    return onnx.inputs();
  }

  List<TensorSpec> outputs() {
    return onnx.outputs();
  }

  Map<String, TensorSpec> inputsByName() {
    return inputsByName;
  }

  Map<String, TensorSpec> outputsByName() {
    return outputsByName;
  }

  List<String> outputNames() {
    return outputNames;
  }

  Optional<DynamicBatcher> batcher() {
    return batcher;
  }

  /** Requests currently inside this session (queued or running); bounded by max_queue_size. */
  int inFlight() {
    return running.get();
  }

  boolean tryEnter() {
    if (running.incrementAndGet() > config.maxQueueSize()) {
      running.decrementAndGet();
      return false;
    }
    return true;
  }

  void exit() {
    running.decrementAndGet();
  }

  /**
   * Runs a validated request: through the batcher when configured (the future completes on a batch
   * worker), else at once on the caller's thread (the future is already complete).
   */
  CompletableFuture<Execution> execute(RequestValidator.ValidatedRequest request) {
    if (batcher.isPresent()) {
      return batcher.get().submit(request);
    }
    long start = System.nanoTime();
    try {
      List<Tensor> outputs = onnx.run(request.inputs(), request.outputNames());
      return CompletableFuture.completedFuture(
          new Execution(outputs, 0, System.nanoTime() - start, (int) Math.max(request.rows(), 1)));
    } catch (ai.onnxruntime.OrtException failure) {
      return CompletableFuture.failedFuture(failure);
    }
  }

  /** Returns false if the session has been retired; the caller then looks up the current one. */
  boolean tryAcquire() {
    users.incrementAndGet();
    if (retired) {
      release();
      return false;
    }
    return true;
  }

  void release() {
    if (users.decrementAndGet() == 0 && retired) {
      closeOnce();
    }
  }

  /** Stops new requests; the session closes once the requests inside it are done. */
  void retire() {
    retired = true;
    if (users.get() == 0) {
      closeOnce();
    }
  }

  boolean isRetired() {
    return retired;
  }

  private void closeOnce() {
    if (closed.compareAndSet(false, true)) {
      batcher.ifPresent(DynamicBatcher::close);
      onnx.close();
    }
  }
}
