package dev.pier.controlplane.onnx;

import java.util.List;
import java.util.Objects;

/**
 * One input or output of a model, as the Open Inference Protocol describes it.
 *
 * @param name the tensor's name in the graph
 * @param datatype its element type
 * @param shape its dimensions; -1 where the model leaves a dimension variable (e.g. the batch)
 */
public record TensorSpec(String name, Datatype datatype, List<Long> shape) {
  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(datatype, "datatype");
    shape = List.copyOf(shape);
  }
}
