package dev.pier.runtime.model;

import ai.onnxruntime.OrtException;
import dev.pier.runtime.model.RequestValidator.ValidatedRequest;
import dev.pier.runtime.protocol.ErrorCode;
import dev.pier.runtime.protocol.InferenceException;
import dev.pier.runtime.tensor.BufferPool;
import dev.pier.runtime.tensor.DataType;
import dev.pier.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Merges concurrent requests for one model along the first (batch) dimension and splits the outputs
 * back, so each caller gets exactly its own rows.
 *
 * <p>Admission control comes first: the queue is bounded by {@code max_queue_size}, and a request
 * that finds it full fails at once with OVERLOADED rather than waiting. A worker takes the oldest
 * request, then drains compatible ones until the batch is full or {@code max_queue_delay} has
 * passed since it started waiting ({@code poll} with the remaining nanoseconds, never a sleep).
 * Requests that cannot be stacked (inputs without a shared first dimension, a model with fixed
 * batch dimensions, more rows than a batch holds) run on their own, unqueued.
 *
 * <p>If a merged batch fails inside ONNX Runtime, each of its requests is run again on its own, so
 * one bad request cannot fail its neighbours.
 */
final class DynamicBatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(DynamicBatcher.class.getName());

  private final String model;
  private final OnnxModel onnx;
  private final int maxBatchSize;
  private final long maxDelayNanos;
  private final boolean modelBatchable;
  private final ArrayBlockingQueue<Job> queue;
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean closed;

  DynamicBatcher(String model, OnnxModel onnx, ModelConfig.Batching batching, ModelConfig config) {
    this.model = model;
    this.onnx = onnx;
    this.maxBatchSize = batching.maxBatchSize();
    this.maxDelayNanos = batching.maxQueueDelay().toNanos();
    this.modelBatchable =
        onnx.inputs().stream().allMatch(spec -> spec.batchable())
            && onnx.outputs().stream().allMatch(spec -> spec.batchable());
    this.queue = new ArrayBlockingQueue<>(config.maxQueueSize());
    if (modelBatchable) {
      for (int i = 0; i < config.instances(); i++) {
        Thread worker =
            Thread.ofPlatform()
                .daemon()
                .name("pier-batch-" + model + "-" + i)
                .unstarted(this::work);
        workers.add(worker);
        worker.start();
      }
    }
  }

  /** Whether the model's inputs and outputs all have a variable first dimension. */
  boolean modelBatchable() {
    return modelBatchable;
  }

  /**
   * Queues the request to be batched with others, or runs it at once on the caller's thread when it
   * cannot be stacked. Never blocks on a full queue: that fails the future with OVERLOADED.
   */
  CompletableFuture<Execution> submit(ValidatedRequest request) {
    if (!modelBatchable || request.rows() < 1 || request.rows() > maxBatchSize) {
      return runAlone(request);
    }
    Job job = new Job(request, System.nanoTime());
    if (closed || !queue.offer(job)) {
      return CompletableFuture.failedFuture(
          new InferenceException(
              closed ? ErrorCode.SHUTTING_DOWN : ErrorCode.OVERLOADED,
              closed
                  ? "model '" + model + "' is being unloaded"
                  : "model '"
                      + model
                      + "' has "
                      + queue.size()
                      + " requests queued; retry shortly"));
    }
    return job.result;
  }

  private CompletableFuture<Execution> runAlone(ValidatedRequest request) {
    long start = System.nanoTime();
    try {
      List<Tensor> outputs = onnx.run(request.inputs(), request.outputNames());
      return CompletableFuture.completedFuture(
          new Execution(outputs, 0, System.nanoTime() - start, (int) Math.max(request.rows(), 1)));
    } catch (OrtException failure) {
      return CompletableFuture.failedFuture(failure);
    }
  }

  private void work() {
    Job carried = null;
    List<Job> batch = new ArrayList<>(maxBatchSize);
    while (!closed) {
      try {
        Job first = carried != null ? carried : queue.take();
        carried = null;
        batch.add(first);
        long rows = first.request.rows();
        long deadline = first.enqueuedAt + maxDelayNanos;
        while (rows < maxBatchSize) {
          long remaining = deadline - System.nanoTime();
          Job next = remaining > 0 ? queue.poll(remaining, TimeUnit.NANOSECONDS) : queue.poll();
          if (next == null) {
            break;
          }
          if (rows + next.request.rows() > maxBatchSize || !compatible(first, next)) {
            carried = next;
            break;
          }
          batch.add(next);
          rows += next.request.rows();
        }
        run(batch, (int) rows);
      } catch (InterruptedException e) {
        if (closed) {
          failAll(batch);
          break;
        }
        // Interrupted while open: run what was gathered rather than strand its callers.
        if (!batch.isEmpty()) {
          run(batch, totalRows(batch));
        }
      } catch (RuntimeException | Error e) {
        // A worker must survive anything one batch does; the batch's callers get the error.
        LOG.log(System.Logger.Level.ERROR, "batch for model " + model + " failed", e);
        for (Job job : batch) {
          job.result.completeExceptionally(e);
        }
      } finally {
        batch.clear();
      }
    }
    failPending(carried);
  }

  private void run(List<Job> batch, int rows) {
    long started = System.nanoTime();
    if (batch.size() == 1) {
      Job job = batch.getFirst();
      try {
        List<Tensor> outputs = onnx.run(job.request.inputs(), job.request.outputNames());
        job.result.complete(
            new Execution(outputs, started - job.enqueuedAt, System.nanoTime() - started, rows));
      } catch (OrtException e) {
        job.result.completeExceptionally(e);
      }
      return;
    }
    List<Tensor> merged = merge(batch, rows);
    List<Tensor> outputs;
    try {
      outputs = onnx.run(merged, batch.getFirst().request.outputNames());
    } catch (OrtException e) {
      runEachAlone(batch);
      return;
    } finally {
      // ONNX Runtime has copied what it needs into its outputs; the merged inputs are done with.
      BufferPool.releaseAll(merged);
    }
    long computeNanos = System.nanoTime() - started;
    for (Tensor output : outputs) {
      if (output.shape().length == 0 || output.shape()[0] != rows) {
        // The model's outputs do not follow its batch dimension: splitting would be a guess.
        runEachAlone(batch);
        return;
      }
    }
    long offset = 0;
    for (Job job : batch) {
      long jobRows = job.request.rows();
      List<Tensor> own = new ArrayList<>(outputs.size());
      for (Tensor output : outputs) {
        own.add(slice(output, rows, offset, jobRows));
      }
      offset += jobRows;
      job.result.complete(new Execution(own, started - job.enqueuedAt, computeNanos, rows));
    }
  }

  private void runEachAlone(List<Job> batch) {
    for (Job job : batch) {
      long started = System.nanoTime();
      try {
        List<Tensor> outputs = onnx.run(job.request.inputs(), job.request.outputNames());
        job.result.complete(
            new Execution(
                outputs,
                started - job.enqueuedAt,
                System.nanoTime() - started,
                (int) job.request.rows()));
      } catch (OrtException e) {
        job.result.completeExceptionally(e);
      }
    }
  }

  private static boolean compatible(Job first, Job next) {
    if (!first.request.outputNames().equals(next.request.outputNames())) {
      return false;
    }
    List<Tensor> a = first.request.inputs();
    List<Tensor> b = next.request.inputs();
    for (int i = 0; i < a.size(); i++) {
      long[] shapeA = a.get(i).shape();
      long[] shapeB = b.get(i).shape();
      if (!Arrays.equals(shapeA, 1, shapeA.length, shapeB, 1, shapeB.length)) {
        return false;
      }
    }
    return true;
  }

  private static List<Tensor> merge(List<Job> batch, int rows) {
    List<Tensor> firstInputs = batch.getFirst().request.inputs();
    List<Tensor> merged = new ArrayList<>(firstInputs.size());
    for (int i = 0; i < firstInputs.size(); i++) {
      Tensor first = firstInputs.get(i);
      long[] shape = first.shape().clone();
      shape[0] = rows;
      if (first.datatype() == DataType.BYTES) {
        List<byte[]> strings = new ArrayList<>();
        for (Job job : batch) {
          strings.addAll(Arrays.asList(job.request.inputs().get(i).strings()));
        }
        merged.add(
            Tensor.ofStrings(
                first.name(), shape, strings.toArray(byte[][]::new), first.parameters()));
      } else {
        int bytes = 0;
        for (Job job : batch) {
          bytes += job.request.inputs().get(i).data().remaining();
        }
        ByteBuffer data = BufferPool.acquire(bytes);
        for (Job job : batch) {
          data.put(job.request.inputs().get(i).data().duplicate());
        }
        merged.add(
            Tensor.ofFixedWidth(
                first.name(), first.datatype(), shape, data.flip(), first.parameters()));
      }
    }
    return merged;
  }

  private static Tensor slice(Tensor output, int totalRows, long firstRow, long rows) {
    long[] shape = output.shape().clone();
    shape[0] = rows;
    if (output.datatype() == DataType.BYTES) {
      int perRow = output.strings().length / totalRows;
      byte[][] own =
          Arrays.copyOfRange(
              output.strings(), (int) (firstRow * perRow), (int) ((firstRow + rows) * perRow));
      return Tensor.ofStrings(output.name(), shape, own, output.parameters());
    }
    int perRow = output.data().remaining() / totalRows;
    ByteBuffer own =
        output
            .data()
            .slice((int) (firstRow * perRow), (int) (rows * perRow))
            .order(ByteOrder.LITTLE_ENDIAN);
    return Tensor.ofFixedWidth(output.name(), output.datatype(), shape, own, output.parameters());
  }

  private static int totalRows(List<Job> batch) {
    long rows = 0;
    for (Job job : batch) {
      rows += job.request.rows();
    }
    return (int) rows;
  }

  private void failAll(List<Job> jobs) {
    for (Job job : jobs) {
      job.result.completeExceptionally(
          new InferenceException(
              ErrorCode.SHUTTING_DOWN, "model '" + model + "' is being unloaded"));
    }
  }

  private void failPending(Job carried) {
    List<Job> pending = new ArrayList<>();
    if (carried != null) {
      pending.add(carried);
    }
    queue.drainTo(pending);
    for (Job job : pending) {
      job.result.completeExceptionally(
          new InferenceException(
              ErrorCode.SHUTTING_DOWN, "model '" + model + "' is being unloaded"));
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread worker : workers) {
      worker.interrupt();
    }
  }

  private static final class Job {
    final ValidatedRequest request;
    final long enqueuedAt;
    final CompletableFuture<Execution> result = new CompletableFuture<>();

    Job(ValidatedRequest request, long enqueuedAt) {
      this.request = request;
      this.enqueuedAt = enqueuedAt;
    }
  }
}
