package dev.pier.runtime.model;

import dev.pier.runtime.tensor.Tensor;
import java.util.List;

/**
 * What running one request produced, with where its time went (for the latency histograms).
 *
 * @param outputs output tensors in the requested order
 * @param queueNanos time spent waiting for a batch to form (0 without batching)
 * @param computeNanos time inside ONNX Runtime for the batch that carried this request
 * @param batchRows rows in that batch
 */
record Execution(List<Tensor> outputs, long queueNanos, long computeNanos, int batchRows) {}
