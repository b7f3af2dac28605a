package dev.pier.controlplane.registry;

import dev.pier.controlplane.base.Printable;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.onnx.ModelSchema;
import dev.pier.controlplane.onnx.TensorSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON in {@code model_version}'s jsonb columns, written and read with the application's {@link
 * JsonMapper} so that the API shows exactly what was stored.
 */
@Component
class RegistryJson {
  /** Where Pier's model generators put class names: a JSON array of strings. */
  static final String LABELS_KEY = "pier.labels";

  private static final TypeReference<List<TensorSpec>> TENSORS = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};

  private final JsonMapper mapper;

  RegistryJson(JsonMapper mapper) {
    this.mapper = mapper;
  }

  ModelVersion.Json write(ModelSchema schema, List<String> labels, VersionDetails details) {
    return new ModelVersion.Json(
        mapper.writeValueAsString(schema.inputs()),
        mapper.writeValueAsString(schema.outputs()),
        mapper.writeValueAsString(schema.customMetadata()),
        mapper.writeValueAsString(labels),
        boundedObject(details.lineage().metrics(), "lineage.metrics"),
        boundedObject(details.metadata(), "metadata"));
  }

  VersionView view(String model, ModelVersion version) {
    ModelVersion.Json json = version.json();
    return new VersionView(
        model,
        version.number(),
        version.sha256(),
        version.sizeBytes(),
        mapper.readValue(json.inputs(), TENSORS),
        mapper.readValue(json.outputs(), TENSORS),
        mapper.readValue(json.customMetadata(), STRINGS),
        mapper.readValue(json.labels(), STRING_LIST),
        new Lineage(
            version.trainingData(), version.codeCommit(), mapper.readValue(json.metrics(), OBJECT)),
        mapper.readValue(json.metadata(), OBJECT),
        version.createdAt(),
        version.createdBy());
  }

  /**
   * The class names in the model's {@code pier.labels} metadata. A model without them has none; a
   * model whose value is not a JSON array of strings is refused, since every consumer of labels
   * (console, explanations) would have to guess what it means.
   */
  List<String> labels(ModelSchema schema) {
    String value = schema.customMetadata().get(LABELS_KEY);
    if (value == null) {
      return List.of();
    }
    try {
      List<String> labels = mapper.readValue(value, STRING_LIST);
      if (labels == null || labels.stream().anyMatch(label -> label == null)) {
        throw new IllegalArgumentException("null label");
      }
      return labels;
    } catch (JacksonException | IllegalArgumentException e) {
      throw new PierException(
          ErrorCode.INVALID_MODEL,
          "the model's "
              + LABELS_KEY
              + " metadata must be a JSON array of strings, but is "
              + Printable.quote(value));
    }
  }

  private String boundedObject(Map<String, Object> object, String field) {
    String json = mapper.writeValueAsString(object);
    if (json.getBytes(StandardCharsets.UTF_8).length > Limits.JSON_OBJECT_BYTES) {
      throw new PierException(
          ErrorCode.VALIDATION_FAILED,
          field + ": must be at most " + Limits.JSON_OBJECT_BYTES / 1024 + "KB as JSON");
    }
    return json;
  }
}
