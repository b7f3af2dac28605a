package dev.pier.runtime.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.pier.runtime.json.JsonLimits;
import dev.pier.runtime.protocol.InferenceException;
import dev.pier.runtime.protocol.InferenceRequest;
import dev.pier.runtime.protocol.InferenceRequest.RequestedOutput;
import dev.pier.runtime.tensor.BufferPool;
import dev.pier.runtime.tensor.DataType;
import dev.pier.runtime.tensor.Parameters;
import dev.pier.runtime.tensor.Shapes;
import dev.pier.runtime.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes an OIP REST inference request: the JSON body, or with the binary tensor data extension a
 * JSON header of {@code Inference-Header-Content-Length} bytes followed by the raw data of every
 * input whose parameters carry {@code binary_data_size}, in input order.
 *
 * <p>The body is streamed token by token; tensor data goes straight into typed direct buffers. An
 * element count is checked against what the body could possibly hold before anything is allocated,
 * so an absurd shape costs nothing.
 */
final class InferenceRequestDecoder {
  private final byte[] body;
  private final int jsonLength;
  private int binaryOffset;

  private InferenceRequestDecoder(byte[] body, int jsonLength) {
    this.body = body;
    this.jsonLength = jsonLength;
    this.binaryOffset = jsonLength;
  }

  /**
   * @param body the whole request body
   * @param jsonLength length of the JSON part: the header value, or the body length without one
   */
  static InferenceRequest decode(byte[] body, int jsonLength) {
    InferenceRequestDecoder decoder = new InferenceRequestDecoder(body, jsonLength);
    try (JsonParser parser = JsonLimits.factory().createParser(body, 0, jsonLength)) {
      InferenceRequest request = decoder.request(parser);
      if (parser.nextToken() != null) {
        throw InferenceException.invalid("unexpected content after the JSON request object");
      }
      if (decoder.binaryOffset != body.length) {
        throw InferenceException.invalid(
            "the request has "
                + (body.length - decoder.binaryOffset)
                + " bytes of binary data that no input's binary_data_size accounts for");
      }
      return request;
    } catch (StreamConstraintsException e) {
      throw InferenceException.invalid(
          "request JSON exceeds a limit (nesting deeper than "
              + JsonLimits.MAX_NESTING_DEPTH
              + " levels, or an over-long number or name): "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw InferenceException.invalid("malformed JSON: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable body";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private InferenceRequest request(JsonParser parser) throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw InferenceException.invalid("the request body must be a JSON object");
    }
    String id = null;
    Parameters parameters = Parameters.EMPTY;
    List<Tensor> inputs = null;
    List<RequestedOutput> outputs = List.of();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "id" -> {
          if (value != JsonToken.VALUE_STRING) {
            throw InferenceException.invalid("field 'id' must be a string");
          }
          id = parser.getText();
        }
        case "parameters" -> parameters = parameters(parser, "request");
        case "inputs" -> inputs = inputs(parser);
        case "outputs" -> outputs = outputs(parser);
        default ->
            throw InferenceException.invalid(
                "unknown field '" + field + "'; a request has id, parameters, inputs and outputs");
      }
    }
    if (inputs == null) {
      throw InferenceException.invalid("field 'inputs' is required");
    }
    return new InferenceRequest(id, parameters, inputs, outputs);
  }

  private List<Tensor> inputs(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw InferenceException.invalid("field 'inputs' must be an array");
    }
    List<Tensor> inputs = new ArrayList<>();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      inputs.add(input(parser, inputs.size()));
    }
    return inputs;
  }

  private Tensor input(JsonParser parser, int index) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw InferenceException.invalid("inputs[" + index + "] must be an object");
    }
    String name = null;
    long[] shape = null;
    DataType datatype = null;
    Parameters parameters = Parameters.EMPTY;
    byte[] deferredData = null;
    Tensor decoded = null;
    boolean hasData = false;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      String label = name == null ? "inputs[" + index + "]" : "input '" + name + "'";
      switch (field) {
        case "name" -> {
          if (value != JsonToken.VALUE_STRING) {
            throw InferenceException.invalid(label + " field 'name' must be a string");
          }
          name = parser.getText();
        }
        case "shape" -> shape = shape(parser, label);
        case "datatype" -> {
          String text = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          datatype =
              DataType.fromWireName(text)
                  .orElseThrow(
                      () ->
                          InferenceException.invalid(
                              label
                                  + " has unknown datatype '"
                                  + text
                                  + "'; use one of "
                                  + List.of(DataType.values())));
        }
        case "parameters" -> parameters = parameters(parser, label);
        case "data" -> {
          hasData = true;
          if (name != null && shape != null && datatype != null) {
            decoded = readData(parser, name, datatype, shape, parameters);
          } else {
            deferredData = capture(parser);
          }
        }
        default ->
            throw InferenceException.invalid(
                label
                    + " has unknown field '"
                    + field
                    + "'; an input has name, shape, datatype, parameters and data");
      }
    }
    String label = name == null ? "inputs[" + index + "]" : "input '" + name + "'";
    if (name == null) {
      throw InferenceException.invalid(label + " needs a 'name'");
    }
    if (shape == null) {
      throw InferenceException.invalid(label + " needs a 'shape'");
    }
    if (datatype == null) {
      throw InferenceException.invalid(label + " needs a 'datatype'");
    }
    long binarySize = parameters.integer("binary_data_size").orElse(-1L);
    if (binarySize >= 0) {
      if (hasData) {
        throw InferenceException.invalid(
            label + " has both 'data' and parameters.binary_data_size; give one");
      }
      return binaryInput(name, datatype, shape, parameters.without("binary_data_size"), binarySize);
    }
    if (!hasData) {
      throw InferenceException.invalid(
          label + " needs 'data' (or parameters.binary_data_size with binary data)");
    }
    if (decoded != null) {
      return decoded;
    }
    try (JsonParser deferred = JsonLimits.factory().createParser(deferredData)) {
      deferred.nextToken();
      return readData(deferred, name, datatype, shape, parameters);
    }
  }

  /** Copies a data value that arrived before its input's shape or datatype, to read it later. */
  private static byte[] capture(JsonParser parser) throws IOException {
    ByteArrayBuilder bytes = new ByteArrayBuilder();
    try (JsonGenerator generator = JsonLimits.factory().createGenerator(bytes)) {
      generator.copyCurrentStructure(parser);
    }
    return bytes.toByteArray();
  }

  private Tensor readData(
      JsonParser parser, String name, DataType datatype, long[] shape, Parameters parameters)
      throws IOException {
    int count = checkedCount(name, shape);
    // Every JSON element takes at least one character and a separator.
    long mostPossible = jsonLength / 2 + 1;
    if (count > mostPossible) {
      throw InferenceException.invalid(
          "input '"
              + name
              + "' has shape "
              + Shapes.format(shape)
              + ", which needs "
              + count
              + " elements, but the request is too small to hold them");
    }
    ElementReader reader = new ElementReader(name, datatype, count);
    reader.read(parser);
    return datatype == DataType.BYTES
        ? Tensor.ofStrings(name, shape, reader.strings(), parameters)
        : Tensor.ofFixedWidth(name, datatype, shape, reader.data(), parameters);
  }

  private Tensor binaryInput(
      String name, DataType datatype, long[] shape, Parameters parameters, long size) {
    int count = checkedCount(name, shape);
    long available = body.length - (long) binaryOffset;
    if (size > available) {
      throw InferenceException.invalid(
          "input '"
              + name
              + "' declares binary_data_size "
              + size
              + " but only "
              + available
              + " bytes of binary data remain");
    }
    int start = binaryOffset;
    binaryOffset += (int) size;
    if (datatype == DataType.BYTES) {
      return Tensor.ofStrings(
          name, shape, BinaryStrings.decode(name, body, start, (int) size, count), parameters);
    }
    long expectedSize = (long) count * datatype.byteWidth();
    if (size != expectedSize) {
      throw InferenceException.invalid(
          "input '"
              + name
              + "' has "
              + size
              + " bytes of binary data but shape "
              + Shapes.format(shape)
              + " of "
              + datatype
              + " needs "
              + expectedSize);
    }
    ByteBuffer data = BufferPool.acquire((int) size).put(body, start, (int) size);
    return Tensor.ofFixedWidth(name, datatype, shape, data.flip(), parameters);
  }

  private static int checkedCount(String name, long[] shape) {
    long count = Shapes.elementCount(shape);
    if (count < 0) {
      throw InferenceException.invalid(
          "input '"
              + name
              + "' has shape "
              + Shapes.format(shape)
              + ": dimensions must be non-negative and the tensor at most "
              + Integer.MAX_VALUE
              + " elements");
    }
    return (int) count;
  }

  private static long[] shape(JsonParser parser, String label) throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw InferenceException.invalid(label + " field 'shape' must be an array of integers");
    }
    long[] dims = new long[4];
    int rank = 0;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT
          || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw InferenceException.invalid(label + " field 'shape' must be an array of integers");
      }
      long dim = parser.getLongValue();
      if (dim < 0) {
        throw InferenceException.invalid(
            label + " has a negative dimension " + dim + " in 'shape'");
      }
      if (rank == dims.length) {
        if (rank == 64) {
          throw InferenceException.invalid(label + " has more than 64 dimensions");
        }
        dims = java.util.Arrays.copyOf(dims, rank * 2);
      }
      dims[rank++] = dim;
    }
    return java.util.Arrays.copyOf(dims, rank);
  }

  private static List<RequestedOutput> outputs(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw InferenceException.invalid("field 'outputs' must be an array");
    }
    List<RequestedOutput> outputs = new ArrayList<>();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      if (parser.currentToken() != JsonToken.START_OBJECT) {
        throw InferenceException.invalid("outputs[" + outputs.size() + "] must be an object");
      }
      String name = null;
      Parameters parameters = Parameters.EMPTY;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "name" -> {
            if (value != JsonToken.VALUE_STRING) {
              throw InferenceException.invalid(
                  "outputs[" + outputs.size() + "] field 'name' must be a string");
            }
            name = parser.getText();
          }
          case "parameters" -> parameters = parameters(parser, "outputs[" + outputs.size() + "]");
          default ->
              throw InferenceException.invalid(
                  "outputs["
                      + outputs.size()
                      + "] has unknown field '"
                      + field
                      + "'; a requested output has name and parameters");
        }
      }
      if (name == null) {
        throw InferenceException.invalid("outputs[" + outputs.size() + "] needs a 'name'");
      }
      outputs.add(new RequestedOutput(name, parameters));
    }
    return outputs;
  }

  /** Reads an OIP parameters object: each value a boolean, integer, number or string. */
  static Parameters parameters(JsonParser parser, String label) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw InferenceException.invalid(label + " field 'parameters' must be an object");
    }
    Map<String, Object> values = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      JsonToken value = parser.nextToken();
      Object parsed =
          switch (value) {
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT ->
                parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? unsigned(parser, label, key)
                    : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            default ->
                throw InferenceException.invalid(
                    label
                        + " parameter '"
                        + key
                        + "' must be a boolean, integer, number or string");
          };
      values.put(key, parsed);
    }
    return new Parameters(values);
  }

  private static Parameters.UnsignedLong unsigned(JsonParser parser, String label, String key)
      throws IOException {
    java.math.BigInteger value = parser.getBigIntegerValue();
    if (value.signum() < 0 || value.bitLength() > 64) {
      throw InferenceException.invalid(
          label + " parameter '" + key + "' is outside the 64-bit integer range");
    }
    return new Parameters.UnsignedLong(value.longValue());
  }
}
