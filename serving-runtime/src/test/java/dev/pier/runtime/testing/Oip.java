package dev.pier.runtime.testing;

import dev.pier.runtime.json.JsonTree;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Open Inference Protocol JSON for tests: request bodies written exactly (every float in its
 * shortest round-tripping form) and responses read into typed values, so assertions compare numbers
 * and states rather than substrings.
 */
public final class Oip {
  private Oip() {}

  /** An inference request with one FP32 input of shape [rows, columns]. */
  public static String fp32Request(String input, int rows, int columns, float[] data) {
    if (data.length != rows * columns) {
      throw new IllegalArgumentException(
          data.length + " values do not fill shape [" + rows + ", " + columns + "]");
    }
    StringBuilder json = new StringBuilder(32 + data.length * 12);
    json.append("{\"inputs\":[{\"name\":\"")
        .append(input)
        .append("\",\"datatype\":\"FP32\",\"shape\":[")
        .append(rows)
        .append(',')
        .append(columns)
        .append("],\"data\":[");
    for (int i = 0; i < data.length; i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append(data[i]);
    }
    return json.append("]}]}").toString();
  }

  /** The iris request for one flower of the README (setosa, label 1). */
  public static final String IRIS_SETOSA =
      fp32Request("features", 1, 4, new float[] {5.1f, 3.5f, 1.4f, 0.2f});

  public static Object parse(String json) {
    try {
      return JsonTree.parse(json.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(String json) {
    Object value = parse(json);
    if (!(value instanceof Map<?, ?>)) {
      throw new AssertionError("not a JSON object: " + json);
    }
    return (Map<String, Object>) value;
  }

  /** The {@code error} message of an OIP error response. */
  public static String error(HttpResponse<String> response) {
    Object error = object(response.body()).get("error");
    if (!(error instanceof String message)) {
      throw new AssertionError("no \"error\" string in " + response.body());
    }
    return message;
  }

  /** One row of the repository index. */
  public record IndexEntry(String name, String version, String state, String reason) {}

  /** POST /v2/repository/index. */
  public static List<IndexEntry> index(RuntimeProcess runtime) {
    HttpResponse<String> response = runtime.post("/v2/repository/index", "");
    if (response.statusCode() != 200) {
      throw new AssertionError("repository index answered " + response.statusCode());
    }
    List<IndexEntry> entries = new ArrayList<>();
    for (Object item : (List<?>) parse(response.body())) {
      Map<?, ?> entry = (Map<?, ?>) item;
      entries.add(
          new IndexEntry(
              (String) entry.get("name"),
              (String) entry.get("version"),
              (String) entry.get("state"),
              (String) entry.get("reason")));
    }
    return entries;
  }

  /** The index row of one model version, if the index has one. */
  public static Optional<IndexEntry> indexEntry(
      RuntimeProcess runtime, String model, String version) {
    return index(runtime).stream()
        .filter(entry -> entry.name().equals(model) && entry.version().equals(version))
        .findFirst();
  }

  /** The state of every model version in the index, as {@code model:version -> STATE}. */
  public static Map<String, String> states(RuntimeProcess runtime) {
    Map<String, String> states = new LinkedHashMap<>();
    for (IndexEntry entry : index(runtime)) {
      states.put(entry.name() + ":" + entry.version(), entry.state());
    }
    return states;
  }

  /** A decoded JSON inference response. */
  public record InferResponse(String modelName, String modelVersion, Map<String, Output> outputs) {
    public Output output(String name) {
      Output output = outputs.get(name);
      if (output == null) {
        throw new AssertionError("no output '" + name + "' in " + outputs.keySet());
      }
      return output;
    }
  }

  /** One output tensor; numbers are kept as the JSON gave them. */
  public record Output(String name, String datatype, long[] shape, List<Number> data) {
    public float[] floats() {
      float[] values = new float[data.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = data.get(i).floatValue();
      }
      return values;
    }

    public long[] longs() {
      long[] values = new long[data.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = data.get(i).longValue();
      }
      return values;
    }
  }

  public static InferResponse inferResponse(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "inference answered " + response.statusCode() + ": " + response.body());
    }
    Map<String, Object> body = object(response.body());
    Map<String, Output> outputs = new LinkedHashMap<>();
    for (Object item : (List<?>) body.get("outputs")) {
      Map<?, ?> output = (Map<?, ?>) item;
      List<?> shape = (List<?>) output.get("shape");
      long[] dimensions = new long[shape.size()];
      for (int i = 0; i < dimensions.length; i++) {
        dimensions[i] = ((Number) shape.get(i)).longValue();
      }
      List<Number> data = new ArrayList<>();
      for (Object value : (List<?>) output.get("data")) {
        data.add((Number) value);
      }
      String name = (String) output.get("name");
      outputs.put(name, new Output(name, (String) output.get("datatype"), dimensions, data));
    }
    return new InferResponse(
        (String) body.get("model_name"), (String) body.get("model_version"), outputs);
  }
}
