package dev.pier.audit.capture;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * Reads business keys from an inference's inputs: the first element of the tensor with that name
 * (OIP inputs, or a request object with {@code inputs}), or a top-level scalar member of a plain
 * JSON object.
 */
final class BusinessKeys {
  private BusinessKeys() {}

  static Map<String, String> read(String inputs, Set<String> fields) {
    JsonNode tree = Payloads.parse(inputs);
    return tree == null ? Map.of() : read(tree, fields);
  }

  static Map<String, String> read(JsonNode inputs, Set<String> fields) {
    Map<String, String> keys = new TreeMap<>();
    JsonNode tensors = inputs.isObject() && inputs.has("inputs") ? inputs.get("inputs") : inputs;
    if (tensors.isArray()) {
      for (JsonNode tensor : tensors) {
        JsonNode name = tensor.get("name");
        if (name != null && name.isString() && fields.contains(name.stringValue())) {
          JsonNode first = firstScalar(tensor.get("data"));
          if (first != null) {
            keys.putIfAbsent(name.stringValue(), text(first));
          }
        }
      }
    } else if (tensors.isObject()) {
      for (String field : fields) {
        JsonNode value = tensors.get(field);
        if (value != null && value.isValueNode() && !value.isNull()) {
          keys.put(field, text(value));
        }
      }
    }
    return keys;
  }

  private static JsonNode firstScalar(JsonNode data) {
    JsonNode node = data;
    while (node != null && node.isArray()) {
      node = node.isEmpty() ? null : node.get(0);
    }
    return node == null || node.isNull() ? null : node;
  }

  private static String text(JsonNode value) {
    return value.isString() ? value.stringValue() : value.toString();
  }
}
