package dev.pier.audit;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON form of an audit record: the journal's frames, Elasticsearch's documents and the
 * JSON Lines export all use it.
 *
 * <p>Fields are snake_case; null fields are left out; payloads stay JSON text inside strings, so
 * they come back byte for byte (the hash covers them); {@code time} is ISO-8601 UTC with up to
 * microseconds; {@code latency_nanos} is a number. Readers skip fields they do not know, so a sink
 * may add its own (Elasticsearch adds its search fields).
 */
public final class AuditRecordJson {
  static final JsonMapper MAPPER = JsonMapper.builder().build();

  /** Every field a record's JSON may have, in the order they are written. */
  public static final List<String> FIELDS =
      List.of(
          "id",
          "stream",
          "sequence",
          "time",
          "kind",
          "actor",
          "action",
          "target",
          "version",
          "endpoint",
          "request_id",
          "trace_id",
          "source_address",
          "outcome",
          "status",
          "latency_nanos",
          "before",
          "after",
          "inputs",
          "outputs",
          "error",
          "canary",
          "shadow",
          "fallback",
          "instance_index",
          "instance_count",
          "business_keys",
          "previous_hash",
          "hash",
          "signature");

  private AuditRecordJson() {}

  /** The JSON mapper the audit module uses (Jackson 3, default settings). */
  public static JsonMapper mapper() {
    return MAPPER;
  }

  public static byte[] toBytes(AuditRecord record) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (JsonGenerator generator = MAPPER.createGenerator(bytes)) {
      write(generator, record);
    }
    return bytes.toByteArray();
  }

  /** Writes the record as one JSON object. */
  public static void write(JsonGenerator generator, AuditRecord record) {
    generator.writeStartObject();
    writeFields(generator, record);
    generator.writeEndObject();
  }

  /** Writes the record's fields into an object the caller has started (and will end). */
  public static void writeFields(JsonGenerator generator, AuditRecord record) {
    generator.writeStringProperty("id", record.id());
    string(generator, "stream", record.stream());
    if (record.sequence() > 0) {
      generator.writeNumberProperty("sequence", record.sequence());
    }
    generator.writeStringProperty("time", record.time().toString());
    generator.writeStringProperty("kind", record.kind().name());
    string(generator, "actor", record.actor());
    string(generator, "action", record.action());
    string(generator, "target", record.target());
    string(generator, "version", record.version());
    string(generator, "endpoint", record.endpoint());
    string(generator, "request_id", record.requestId());
    string(generator, "trace_id", record.traceId());
    string(generator, "source_address", record.sourceAddress());
    generator.writeStringProperty("outcome", record.outcome().name());
    generator.writeNumberProperty("status", record.status());
    if (record.latency() != null) {
      generator.writeNumberProperty("latency_nanos", record.latency().toNanos());
    }
    string(generator, "before", record.before());
    string(generator, "after", record.after());
    string(generator, "inputs", record.inputs());
    string(generator, "outputs", record.outputs());
    string(generator, "error", record.error());
    generator.writeBooleanProperty("canary", record.flags().canary());
    generator.writeBooleanProperty("shadow", record.flags().shadow());
    generator.writeBooleanProperty("fallback", record.flags().fallback());
    generator.writeNumberProperty("instance_index", record.instanceIndex());
    generator.writeNumberProperty("instance_count", record.instanceCount());
    if (!record.businessKeys().isEmpty()) {
      generator.writeName("business_keys");
      generator.writeStartObject();
      for (Map.Entry<String, String> key : record.businessKeys().entrySet()) {
        generator.writeStringProperty(key.getKey(), key.getValue());
      }
      generator.writeEndObject();
    }
    string(generator, "previous_hash", record.previousHash());
    string(generator, "hash", record.hash());
    string(generator, "signature", record.signature());
  }

  public static AuditRecord fromBytes(byte[] json) {
    try (JsonParser parser = MAPPER.createParser(json)) {
      return read(parser);
    }
  }

  public static AuditRecord fromJson(String json) {
    try (JsonParser parser = MAPPER.createParser(json)) {
      return read(parser);
    }
  }

  /**
   * Reads one record object: the parser is before it or on its {@code START_OBJECT}, and is left on
   * its {@code END_OBJECT}.
   *
   * @throws IllegalArgumentException if the JSON is not a valid record
   */
  public static AuditRecord read(JsonParser parser) {
    JsonToken token = parser.currentToken() == null ? parser.nextToken() : parser.currentToken();
    if (token != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("an audit record is a JSON object, not " + token);
    }
    RecordFields fields = new RecordFields();
    boolean canary = false;
    boolean shadow = false;
    boolean fallback = false;
    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (value == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (name) {
        case "id" -> fields.id = parser.getString();
        case "stream" -> fields.stream = parser.getString();
        case "sequence" -> fields.sequence = parser.getLongValue();
        case "time" -> fields.time = Instant.parse(parser.getString());
        case "kind" -> fields.kind = AuditKind.valueOf(parser.getString());
        case "actor" -> fields.actor = parser.getString();
        case "action" -> fields.action = parser.getString();
        case "target" -> fields.target = parser.getString();
        case "version" -> fields.version = parser.getString();
        case "endpoint" -> fields.endpoint = parser.getString();
        case "request_id" -> fields.requestId = parser.getString();
        case "trace_id" -> fields.traceId = parser.getString();
        case "source_address" -> fields.sourceAddress = parser.getString();
        case "outcome" -> fields.outcome = Outcome.valueOf(parser.getString());
        case "status" -> fields.status = parser.getIntValue();
        case "latency_nanos" -> fields.latency = Duration.ofNanos(parser.getLongValue());
        case "before" -> fields.before = parser.getString();
        case "after" -> fields.after = parser.getString();
        case "inputs" -> fields.inputs = parser.getString();
        case "outputs" -> fields.outputs = parser.getString();
        case "error" -> fields.error = parser.getString();
        case "canary" -> canary = parser.getBooleanValue();
        case "shadow" -> shadow = parser.getBooleanValue();
        case "fallback" -> fallback = parser.getBooleanValue();
        case "instance_index" -> fields.instanceIndex = parser.getIntValue();
        case "instance_count" -> fields.instanceCount = parser.getIntValue();
        case "business_keys" -> fields.businessKeys = readKeys(parser);
        case "previous_hash" -> fields.previousHash = parser.getString();
        case "hash" -> fields.hash = parser.getString();
        case "signature" -> fields.signature = parser.getString();
        default -> parser.skipChildren();
      }
    }
    fields.flags = new TrafficFlags(canary, shadow, fallback);
    try {
      return fields.toRecord();
    } catch (NullPointerException e) {
      throw new IllegalArgumentException("audit record JSON lacks a field: " + e.getMessage(), e);
    }
  }

  private static Map<String, String> readKeys(JsonParser parser) {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("business_keys is an object");
    }
    Map<String, String> keys = new TreeMap<>();
    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      keys.put(name, parser.getString());
    }
    return keys;
  }

  private static void string(JsonGenerator generator, String name, String value) {
    if (value != null) {
      generator.writeStringProperty(name, value);
    }
  }
}
