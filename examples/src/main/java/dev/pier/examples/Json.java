package dev.pier.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the datasets into plain maps and lists and writes the small JSON documents the repository
 * needs. Jackson's streaming core is enough for both, which keeps data binding off the classpath.
 */
final class Json {
  private static final JsonFactory FACTORY = new JsonFactory();

  private Json() {}

  /** Reads a dataset bundled on the classpath next to this class: a JSON array of rows. */
  static List<?> readDataset(String resource) {
    try (InputStream in = Json.class.getResourceAsStream("data/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("dataset " + resource + " is not on the classpath");
      }
      try (JsonParser parser = FACTORY.createParser(in)) {
        parser.nextToken();
        return (List<?>) value(parser);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dataset " + resource, e);
    }
  }

  /** A JSON array of strings, compact, as stored in the model metadata. */
  static String stringArray(List<String> values) {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      generator.writeStartArray();
      for (String value : values) {
        generator.writeString(value);
      }
      generator.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A model's config.json carrying its labels; the line breaks are fixed so output is stable. */
  static String labelsConfig(List<String> labels) {
    return "{\n  \"labels\": " + stringArray(labels) + "\n}\n";
  }

  private static Object value(JsonParser parser) throws IOException {
    return switch (parser.currentToken()) {
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(parser));
        }
        yield list;
      }
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          parser.nextToken();
          map.put(key, value(parser));
        }
        yield map;
      }
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
      case VALUE_TRUE, VALUE_FALSE -> parser.getBooleanValue();
      case VALUE_NULL -> null;
      default ->
          throw new IOException(
              "unexpected " + parser.currentToken() + " at " + parser.currentLocation());
    };
  }
}
