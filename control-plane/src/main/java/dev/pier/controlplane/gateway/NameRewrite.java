package dev.pier.controlplane.gateway;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.core.json.JsonFactory;

/**
 * Renames a runtime's answer to the endpoint's name without building a JSON tree: a streaming parse
 * finds the top-level string field ({@code model_name} of an inference answer, {@code name} of
 * metadata), skipping other values without materialising them and stopping there, and the new name
 * is spliced in between the bytes before and after the old value. Only the first {@code jsonLength}
 * bytes are JSON (the rest is the binary extension's tensor data, copied as it is).
 */
final class NameRewrite {
  private static final JsonFactory JSON = new JsonFactory();

  private NameRewrite() {}

  /**
   * The body with the top-level string field {@code field} of its JSON part set to {@code name};
   * null when the JSON part is not an object with that string field (or not JSON at all): it is
   * passed on as it is.
   */
  static byte[] rename(byte[] body, int jsonLength, String field, String name) {
    if (jsonLength < 2 || jsonLength > body.length) {
      return null;
    }
    try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), body, 0, jsonLength)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
        boolean wanted = field.equals(parser.currentName());
        JsonToken value = parser.nextToken();
        if (wanted && value == JsonToken.VALUE_STRING) {
          long start = parser.currentTokenLocation().getByteOffset();
          parser.getString(); // reads the value to its closing quote
          long end = parser.currentLocation().getByteOffset();
          if (start < 0 || end <= start || end > jsonLength || body[(int) start] != '"') {
            return null;
          }
          return splice(body, (int) start, (int) end, name);
        }
        parser.skipChildren();
      }
      return null;
    } catch (JacksonException e) {
      return null; // not the OIP JSON a runtime answers; passed on as it is
    }
  }

  private static byte[] splice(byte[] body, int start, int end, String name) {
    byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(name);
    byte[] spliced = new byte[start + quoted.length + 2 + body.length - end];
    System.arraycopy(body, 0, spliced, 0, start);
    spliced[start] = '"';
    System.arraycopy(quoted, 0, spliced, start + 1, quoted.length);
    spliced[start + 1 + quoted.length] = '"';
    System.arraycopy(body, end, spliced, start + quoted.length + 2, body.length - end);
    return spliced;
  }
}
