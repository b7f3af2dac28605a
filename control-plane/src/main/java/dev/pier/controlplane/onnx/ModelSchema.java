package dev.pier.controlplane.onnx;

import java.util.List;
import java.util.Map;

/**
 * What the registry learns from opening a model file with ONNX Runtime.
 *
 * @param inputs the model's inputs, in graph order
 * @param outputs its tensor outputs, in graph order
 * @param customMetadata the model's own key/value metadata ({@code metadata_props}), e.g. {@code
 *     pier.labels}
 */
public record ModelSchema(
    List<TensorSpec> inputs, List<TensorSpec> outputs, Map<String, String> customMetadata) {
  public ModelSchema {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    customMetadata = Map.copyOf(customMetadata);
  }
}
