package dev.pier.controlplane.traffic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads the predictions out of an Open Inference Protocol JSON answer ({@code {"model_name": ..,
 * "outputs": [{"name", "datatype", "shape", "data"}]}}), one per instance of the batch.
 *
 * <p>Which output is the prediction:
 *
 * <ol>
 *   <li>an integer output (INT8…INT64, UINT8…UINT64) with one value per instance (shape {@code [n]}
 *       or {@code [n,1]}) is the class index;
 *   <li>otherwise a floating-point output (FP16, FP32, FP64, BF16): shape {@code [n,k]} with {@code
 *       k > 1} gives the class by argmax (scores or probabilities), shape {@code [n]} or {@code
 *       [n,1]} is a regression value; an {@code [n,k]} output wins over an {@code [n]} one;
 *   <li>within each step an output named {@code label}, {@code labels}, {@code class} or {@code
 *       predictions} wins over the others, then the first in the answer.
 * </ol>
 *
 * <p>It streams tokens (no tree) and never throws: a malformed or unexpected answer gives an empty
 * list, because statistics must never fail the request they describe.
 */
public final class PredictionReader {
  private static final JsonFactory JSON = new JsonFactory();
  private static final Set<String> PREFERRED = Set.of("label", "labels", "class", "predictions");
  private static final Set<String> INTEGER_TYPES =
      Set.of("INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64");
  private static final Set<String> FLOAT_TYPES = Set.of("FP16", "FP32", "FP64", "BF16");

  private PredictionReader() {}

  /** The predictions of an OIP JSON answer, one per instance; empty when none can be read. */
  public static List<Prediction> read(byte[] oipJsonResponse) {
    if (oipJsonResponse == null || oipJsonResponse.length == 0) {
      return List.of();
    }
    try (JsonParser parser = JSON.createParser(oipJsonResponse)) {
      List<Output> outputs = outputs(parser);
      return outputs == null ? List.of() : choose(outputs);
    } catch (RuntimeException malformed) {
      // Jackson 3 throws unchecked JacksonExceptions; anything unexpected means "no predictions".
      return List.of();
    }
  }

  /** One output as read: numbers only (strings or booleans make it unusable). */
  private record Output(String name, String datatype, long[] shape, double[] data) {
    boolean preferred() {
      return name != null && PREFERRED.contains(name);
    }

    /** The instance count when the shape is [n] or [n,1] and the data matches, else -1. */
    int perInstance() {
      if (shape.length == 1 || (shape.length == 2 && shape[1] == 1)) {
        return shape[0] == data.length ? data.length : -1;
      }
      return -1;
    }

    /** k when the shape is [n,k] with k > 1 and the data matches, else -1. */
    int classColumns() {
      if (shape.length == 2
          && shape[1] > 1
          && Math.multiplyExact(shape[0], shape[1]) == data.length) {
        return (int) shape[1];
      }
      return -1;
    }
  }

  private static List<Output> outputs(JsonParser parser) {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      return null;
    }
    List<Output> outputs = null;
    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("outputs".equals(field) && value == JsonToken.START_ARRAY) {
        outputs = new ArrayList<>();
        while (parser.nextToken() == JsonToken.START_OBJECT) {
          Output output = output(parser);
          if (output != null) {
            outputs.add(output);
          }
        }
      } else {
        parser.skipChildren();
      }
    }
    return outputs;
  }

  /** Reads one output object (the parser on its START_OBJECT); null when it is not numeric. */
  private static Output output(JsonParser parser) {
    String name = null;
    String datatype = null;
    long[] shape = null;
    double[] data = null;
    boolean numeric = true;
    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "name" -> name = text(parser, value);
        case "datatype" -> datatype = text(parser, value);
        case "shape" -> {
          if (value != JsonToken.START_ARRAY) {
            throw new IllegalStateException("a shape is an array");
          }
          shape = shape(parser);
        }
        case "data" -> {
          if (value == JsonToken.START_ARRAY) {
            Numbers numbers = new Numbers();
            numeric = numbers.readArray(parser);
            data = numbers.values();
          } else {
            parser.skipChildren();
          }
        }
        default -> parser.skipChildren();
      }
    }
    if (!numeric || datatype == null || shape == null || shape.length == 0 || data == null) {
      return null;
    }
    return new Output(name, datatype, shape, data);
  }

  private static String text(JsonParser parser, JsonToken value) {
    if (value == JsonToken.VALUE_STRING) {
      return parser.getString();
    }
    parser.skipChildren();
    return null;
  }

  private static long[] shape(JsonParser parser) {
    long[] dims = new long[4];
    int rank = 0;
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token != JsonToken.VALUE_NUMBER_INT || parser.getLongValue() < 0) {
        throw new IllegalStateException("a shape holds non-negative integers");
      }
      if (rank == dims.length) {
        dims = Arrays.copyOf(dims, rank * 2);
      }
      dims[rank++] = parser.getLongValue();
    }
    return Arrays.copyOf(dims, rank);
  }

  /** The flattened numbers of a flat or nested data array. */
  private static final class Numbers {
    private double[] values = new double[16];
    private int size;

    /** Reads up to the matching END_ARRAY; false when a non-number was met (it is skipped). */
    boolean readArray(JsonParser parser) {
      boolean numeric = true;
      JsonToken token;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        switch (token) {
          case START_ARRAY -> numeric &= readArray(parser);
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> add(parser.getDoubleValue());
          case null -> throw new IllegalStateException("truncated data");
          default -> {
            parser.skipChildren();
            numeric = false;
          }
        }
      }
      return numeric;
    }

    private void add(double value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    double[] values() {
      return Arrays.copyOf(values, size);
    }
  }

  private static List<Prediction> choose(List<Output> outputs) {
    Output integer =
        pick(outputs, o -> INTEGER_TYPES.contains(o.datatype()) && o.perInstance() > 0);
    if (integer != null) {
      List<Prediction> classes = new ArrayList<>(integer.data().length);
      for (double value : integer.data()) {
        if (value < 0 || value > Integer.MAX_VALUE || value != Math.rint(value)) {
          return List.of();
        }
        classes.add(new Prediction.Classified((int) value));
      }
      return List.copyOf(classes);
    }
    Output scores = pick(outputs, o -> FLOAT_TYPES.contains(o.datatype()) && o.classColumns() > 0);
    Output values = pick(outputs, o -> FLOAT_TYPES.contains(o.datatype()) && o.perInstance() > 0);
    if (scores != null && (values == null || scores.preferred() || !values.preferred())) {
      return argmax(scores);
    }
    if (values != null) {
      List<Prediction> regressed = new ArrayList<>(values.data().length);
      for (double value : values.data()) {
        regressed.add(new Prediction.Regressed(value));
      }
      return List.copyOf(regressed);
    }
    return List.of();
  }

  private static List<Prediction> argmax(Output scores) {
    int k = scores.classColumns();
    double[] data = scores.data();
    List<Prediction> classes = new ArrayList<>(data.length / k);
    for (int row = 0; row < data.length; row += k) {
      int best = 0;
      for (int column = 1; column < k; column++) {
        if (data[row + column] > data[row + best]) {
          best = column;
        }
      }
      classes.add(new Prediction.Classified(best));
    }
    return List.copyOf(classes);
  }

  private static Output pick(List<Output> outputs, java.util.function.Predicate<Output> qualifies) {
    Output first = null;
    for (Output output : outputs) {
      if (qualifies.test(output)) {
        if (output.preferred()) {
          return output;
        }
        if (first == null) {
          first = output;
        }
      }
    }
    return first;
  }
}
