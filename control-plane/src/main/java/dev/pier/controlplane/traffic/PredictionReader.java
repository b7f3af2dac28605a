package dev.pier.controlplane.traffic;

import com.google.protobuf.ByteString;
import dev.pier.runtime.grpc.proto.InferTensorContents;
import dev.pier.runtime.grpc.proto.ModelInferResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.IntToDoubleFunction;
import java.util.function.Predicate;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads the predictions out of an Open Inference Protocol answer, one per instance of the batch: a
 * JSON answer ({@code {"model_name": .., "outputs": [{"name", "datatype", "shape", "data"}]}}) or a
 * gRPC {@code ModelInferResponse} (typed {@code contents} or {@code raw_output_contents}).
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
 * <p>A JSON answer is read by streaming tokens (no tree); of a gRPC answer only the chosen output's
 * numbers are read, where they lie in the message. It never throws: a malformed or unexpected
 * answer gives an empty list, because statistics must never fail the request they describe.
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

  /**
   * The predictions of an OIP gRPC answer, chosen like those of a JSON one; the numbers come from
   * the answer's {@code raw_output_contents} (little-endian, one entry per output) when it has
   * them, else from each output's typed {@code contents}. FP16 and BF16 are read from raw contents
   * only (they have no typed field); BOOL and BYTES outputs are never a prediction.
   */
  public static List<Prediction> read(ModelInferResponse response) {
    int count = response.getOutputsCount();
    int raw = response.getRawOutputContentsCount();
    if (count == 0 || (raw != 0 && raw != count)) {
      return List.of();
    }
    try {
      List<Output> outputs = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        ModelInferResponse.InferOutputTensor tensor = response.getOutputs(i);
        String datatype = tensor.getDatatype();
        Output output =
            raw == 0
                ? typed(tensor.getName(), datatype, shape(tensor), tensor.getContents())
                : raw(tensor.getName(), datatype, shape(tensor), response.getRawOutputContents(i));
        if (output != null) {
          outputs.add(output);
        }
      }
      return choose(outputs);
    } catch (RuntimeException malformed) {
      return List.of();
    }
  }

  /**
   * One numeric output: its numbers by flat index, read where they lie (a parsed JSON array, a gRPC
   * message's typed contents or raw bytes).
   */
  private record Output(
      String name, String datatype, long[] shape, int size, IntToDoubleFunction value) {
    boolean preferred() {
      return name != null && PREFERRED.contains(name);
    }

    /** The instance count when the shape is [n] or [n,1] and the data matches, else -1. */
    int perInstance() {
      if (shape.length == 1 || (shape.length == 2 && shape[1] == 1)) {
        return shape[0] == size ? size : -1;
      }
      return -1;
    }

    /** k when the shape is [n,k] with k > 1 and the data matches, else -1. */
    int classColumns() {
      if (shape.length == 2 && shape[1] > 1 && Math.multiplyExact(shape[0], shape[1]) == size) {
        return (int) shape[1];
      }
      return -1;
    }
  }

  private static long[] shape(ModelInferResponse.InferOutputTensor tensor) {
    long[] shape = new long[tensor.getShapeCount()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = tensor.getShape(i);
      if (shape[i] < 0) {
        throw new IllegalStateException("a shape holds non-negative integers");
      }
    }
    return shape;
  }

  /** A gRPC output with typed contents; null when its datatype has no numeric field. */
  private static Output typed(
      String name, String datatype, long[] shape, InferTensorContents contents) {
    return switch (datatype) {
      case "INT8", "INT16", "INT32" ->
          new Output(
              name, datatype, shape, contents.getIntContentsCount(), contents::getIntContents);
      case "INT64" ->
          new Output(
              name, datatype, shape, contents.getInt64ContentsCount(), contents::getInt64Contents);
      case "UINT8", "UINT16", "UINT32" ->
          new Output(
              name,
              datatype,
              shape,
              contents.getUintContentsCount(),
              i -> Integer.toUnsignedLong(contents.getUintContents(i)));
      case "UINT64" ->
          new Output(
              name,
              datatype,
              shape,
              contents.getUint64ContentsCount(),
              i -> unsigned(contents.getUint64Contents(i)));
      case "FP32" ->
          new Output(
              name, datatype, shape, contents.getFp32ContentsCount(), contents::getFp32Contents);
      case "FP64" ->
          new Output(
              name, datatype, shape, contents.getFp64ContentsCount(), contents::getFp64Contents);
      default -> null;
    };
  }

  /** A gRPC output in raw little-endian bytes; null when they do not hold whole numbers of it. */
  private static Output raw(String name, String datatype, long[] shape, ByteString bytes) {
    int width =
        switch (datatype) {
          case "INT8", "UINT8" -> 1;
          case "INT16", "UINT16", "FP16", "BF16" -> 2;
          case "INT32", "UINT32", "FP32" -> 4;
          case "INT64", "UINT64", "FP64" -> 8;
          default -> 0;
        };
    if (width == 0 || bytes.size() % width != 0) {
      return null;
    }
    ByteBuffer data = bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    IntToDoubleFunction value =
        switch (datatype) {
          case "INT8" -> i -> data.get(i);
          case "UINT8" -> i -> Byte.toUnsignedInt(data.get(i));
          case "INT16" -> i -> data.getShort(2 * i);
          case "UINT16" -> i -> Short.toUnsignedInt(data.getShort(2 * i));
          case "FP16" -> i -> Float.float16ToFloat(data.getShort(2 * i));
          case "BF16" -> i -> Float.intBitsToFloat((data.getShort(2 * i) & 0xFFFF) << 16);
          case "INT32" -> i -> data.getInt(4 * i);
          case "UINT32" -> i -> Integer.toUnsignedLong(data.getInt(4 * i));
          case "FP32" -> i -> data.getFloat(4 * i);
          case "INT64" -> i -> data.getLong(8 * i);
          case "UINT64" -> i -> unsigned(data.getLong(8 * i));
          default -> i -> data.getDouble(8 * i);
        };
    return new Output(name, datatype, shape, bytes.size() / width, value);
  }

  /** An unsigned 64-bit value as a double (those beyond 2^63 are no class index anyway). */
  private static double unsigned(long value) {
    return value >= 0 ? value : value + 0x1p64;
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
    double[] numbers = data;
    return new Output(name, datatype, shape, numbers.length, i -> numbers[i]);
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
      List<Prediction> classes = new ArrayList<>(integer.size());
      for (int i = 0; i < integer.size(); i++) {
        double value = integer.value().applyAsDouble(i);
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
      List<Prediction> regressed = new ArrayList<>(values.size());
      for (int i = 0; i < values.size(); i++) {
        regressed.add(new Prediction.Regressed(values.value().applyAsDouble(i)));
      }
      return List.copyOf(regressed);
    }
    return List.of();
  }

  private static List<Prediction> argmax(Output scores) {
    int k = scores.classColumns();
    IntToDoubleFunction data = scores.value();
    List<Prediction> classes = new ArrayList<>(scores.size() / k);
    for (int row = 0; row < scores.size(); row += k) {
      int best = 0;
      double highest = data.applyAsDouble(row);
      for (int column = 1; column < k; column++) {
        double score = data.applyAsDouble(row + column);
        if (score > highest) {
          best = column;
          highest = score;
        }
      }
      classes.add(new Prediction.Classified(best));
    }
    return List.copyOf(classes);
  }

  private static Output pick(List<Output> outputs, Predicate<Output> qualifies) {
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
