package dev.pier.audit.capture;

import dev.pier.audit.AuditRecordJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Masks named fields in JSON payloads: an Open Inference Protocol tensor whose {@code name} is one
 * of them has its {@code data} replaced by {@value #MASK}, and so has any object member of that
 * name, at any depth. Names match exactly.
 *
 * <p>A payload that is not JSON cannot be searched for the fields, so it is replaced as a whole by
 * {@value #UNREADABLE}: with redaction on, nothing unchecked is stored.
 */
public final class Redaction {
  public static final String MASK = "***";
  public static final String UNREADABLE = "{\"redacted\":\"payload is not JSON\"}";

  private static final Redaction NONE = new Redaction(Set.of());

  private final Set<String> fields;

  private Redaction(Set<String> fields) {
    this.fields = fields;
  }

  public static Redaction of(Set<String> fields) {
    return fields.isEmpty() ? NONE : new Redaction(Set.copyOf(fields));
  }

  public static Redaction none() {
    return NONE;
  }

  public Set<String> fields() {
    return fields;
  }

  public boolean isNone() {
    return fields.isEmpty();
  }

  /** The payload with the fields masked (the same text when there is nothing to mask). */
  public String apply(String json) {
    if (json == null || fields.isEmpty()) {
      return json;
    }
    JsonNode tree;
    try {
      tree = AuditRecordJson.mapper().readTree(json);
    } catch (JacksonException e) {
      return UNREADABLE;
    }
    return mask(tree) ? tree.toString() : json;
  }

  /** Masks the tree in place; whether anything was masked. */
  boolean mask(JsonNode node) {
    boolean masked = false;
    if (node instanceof ObjectNode object) {
      JsonNode name = object.get("name");
      if (name != null
          && name.isString()
          && fields.contains(name.stringValue())
          && object.has("data")) {
        object.set("data", StringNode.valueOf(MASK));
        masked = true;
      }
      List<String> named = new ArrayList<>();
      for (Map.Entry<String, JsonNode> member : object.properties()) {
        if (fields.contains(member.getKey())) {
          named.add(member.getKey());
        } else {
          masked |= mask(member.getValue());
        }
      }
      for (String field : named) {
        object.set(field, StringNode.valueOf(MASK));
        masked = true;
      }
    } else if (node instanceof ArrayNode array) {
      for (JsonNode element : array) {
        masked |= mask(element);
      }
    }
    return masked;
  }
}
