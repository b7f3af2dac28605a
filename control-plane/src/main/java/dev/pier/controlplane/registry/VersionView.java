package dev.pier.controlplane.registry;

import dev.pier.controlplane.onnx.TensorSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An immutable model version as the registry shows it.
 *
 * @param model the model's name
 * @param number 1, 2, ... within the model
 * @param sha256 the artifact's SHA-256 (lowercase hex); runtimes verify downloads against it
 * @param size the artifact's length in bytes
 * @param inputs the inputs, read from the model
 * @param outputs the tensor outputs, read from the model
 * @param customMetadata the model's own key/value metadata
 * @param labels class names from the {@code pier.labels} metadata (a JSON array), or empty
 * @param lineage where it came from
 * @param metadata free metadata given at registration
 * @param createdAt when it was registered
 * @param createdBy who registered it
 */
public record VersionView(
    String model,
    int number,
    String sha256,
    long size,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    Map<String, String> customMetadata,
    List<String> labels,
    Lineage lineage,
    Map<String, Object> metadata,
    Instant createdAt,
    String createdBy) {}
