package dev.pier.runtime.protocol;

import dev.pier.runtime.tensor.TensorSpec;
import java.util.List;
import java.util.Map;

/**
 * OIP model metadata, plus the model's own key/value metadata (e.g. {@code pier.labels}) that Pier
 * reports as a {@code parameters} extension.
 */
public record ModelMetadata(
    String name,
    List<String> versions,
    String platform,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    Map<String, String> properties) {}
