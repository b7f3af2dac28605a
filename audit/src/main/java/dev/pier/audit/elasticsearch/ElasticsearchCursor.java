package dev.pier.audit.elasticsearch;

import co.elastic.clients.elasticsearch._types.FieldValue;
import dev.pier.audit.AuditRecordJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A paged query's position: the point in time it reads and the sort values of the last record
 * returned, as an opaque URL-safe string.
 */
record ElasticsearchCursor(String pointInTime, List<FieldValue> after) {
  private static final String PREFIX = "es1.";

  String encode() {
    ObjectNode json = AuditRecordJson.mapper().createObjectNode();
    json.put("pit", pointInTime);
    ArrayNode values = json.putArray("after");
    for (FieldValue value : after) {
      ObjectNode entry = values.addObject();
      switch (value._kind()) {
        case Long -> entry.put("long", value.longValue());
        case Double -> entry.put("double", value.doubleValue());
        case Boolean -> entry.put("boolean", value.booleanValue());
        case String -> entry.put("string", value.stringValue());
        case Null -> entry.putNull("null");
        case Any -> entry.put("string", value.anyValue().toJson().toString());
      }
    }
    return PREFIX
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
  }

  static ElasticsearchCursor decode(String cursor) {
    try {
      if (!cursor.startsWith(PREFIX)) {
        throw new IllegalArgumentException("not an Elasticsearch audit cursor");
      }
      JsonNode json =
          AuditRecordJson.mapper()
              .readTree(Base64.getUrlDecoder().decode(cursor.substring(PREFIX.length())));
      List<FieldValue> after = new ArrayList<>();
      for (JsonNode entry : json.get("after")) {
        if (entry.has("long")) {
          after.add(FieldValue.of(entry.get("long").asLong()));
        } else if (entry.has("double")) {
          after.add(FieldValue.of(entry.get("double").asDouble()));
        } else if (entry.has("boolean")) {
          after.add(FieldValue.of(entry.get("boolean").asBoolean()));
        } else if (entry.has("string")) {
          after.add(FieldValue.of(entry.get("string").stringValue()));
        } else {
          after.add(FieldValue.NULL);
        }
      }
      return new ElasticsearchCursor(json.get("pit").stringValue(), after);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid audit cursor: " + cursor, e);
    }
  }
}
