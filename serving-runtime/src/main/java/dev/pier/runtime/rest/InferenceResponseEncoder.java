package dev.pier.runtime.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.pier.runtime.json.JsonLimits;
import dev.pier.runtime.protocol.InferenceRequest;
import dev.pier.runtime.protocol.InferenceRequest.RequestedOutput;
import dev.pier.runtime.protocol.InferenceResponse;
import dev.pier.runtime.tensor.Parameters;
import dev.pier.runtime.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Encodes an inference response as JSON, or with the binary tensor data extension as a JSON header
 * followed by the raw data of the outputs asked for in binary ({@code binary_data} on the requested
 * output, or {@code binary_data_output} on the request).
 */
final class InferenceResponseEncoder {
  private InferenceResponseEncoder() {}

  /** The encoded body; {@code jsonLength} is -1 when the body is plain JSON. */
  record Encoded(byte[] body, int jsonLength) {}

  static Encoded encode(InferenceResponse response, InferenceRequest request) {
    boolean binaryByDefault = request.parameters().flag("binary_data_output");
    List<byte[]> binaries = new ArrayList<>();
    ByteArrayBuilder bytes = new ByteArrayBuilder(256);
    try (JsonGenerator json = JsonLimits.factory().createGenerator(bytes)) {
      json.writeStartObject();
      json.writeStringField("model_name", response.modelName());
      json.writeStringField("model_version", response.modelVersion());
      if (response.id() != null) {
        json.writeStringField("id", response.id());
      }
      if (!response.parameters().isEmpty()) {
        json.writeFieldName("parameters");
        writeParameters(json, response.parameters());
      }
      json.writeArrayFieldStart("outputs");
      for (Tensor output : response.outputs()) {
        boolean binary = binary(output.name(), request.outputs(), binaryByDefault);
        json.writeStartObject();
        json.writeStringField("name", output.name());
        json.writeStringField("datatype", output.datatype().name());
        json.writeFieldName("shape");
        json.writeArray(output.shape(), 0, output.shape().length);
        Parameters parameters = output.parameters();
        byte[] raw = null;
        if (binary) {
          raw = raw(output);
          parameters = parameters.with("binary_data_size", (long) raw.length);
        }
        if (!parameters.isEmpty()) {
          json.writeFieldName("parameters");
          writeParameters(json, parameters);
        }
        if (raw != null) {
          binaries.add(raw);
        } else {
          json.writeFieldName("data");
          writeData(json, output);
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    if (binaries.isEmpty()) {
      return new Encoded(bytes.toByteArray(), -1);
    }
    int jsonLength = bytes.size();
    for (byte[] binary : binaries) {
      bytes.write(binary);
    }
    return new Encoded(bytes.toByteArray(), jsonLength);
  }

  private static boolean binary(String name, List<RequestedOutput> requested, boolean fallback) {
    for (RequestedOutput output : requested) {
      if (output.name().equals(name)) {
        Object value = output.parameters().values().get("binary_data");
        return value instanceof Boolean flag ? flag : fallback;
      }
    }
    return fallback;
  }

  private static byte[] raw(Tensor output) {
    if (output.strings() != null) {
      return BinaryStrings.encode(output.strings());
    }
    ByteBuffer data = output.data().duplicate();
    byte[] raw = new byte[data.remaining()];
    data.get(raw);
    return raw;
  }

  static void writeParameters(JsonGenerator json, Parameters parameters) throws IOException {
    json.writeStartObject();
    for (Map.Entry<String, Object> entry : parameters.values().entrySet()) {
      json.writeFieldName(entry.getKey());
      switch (entry.getValue()) {
        case Boolean flag -> json.writeBoolean(flag);
        case Long number -> json.writeNumber(number);
        case Double number -> json.writeNumber(number);
        case String text -> json.writeString(text);
        case Parameters.UnsignedLong number -> json.writeNumber(number.toString());
        default -> json.writeString(entry.getValue().toString());
      }
    }
    json.writeEndObject();
  }

  private static void writeData(JsonGenerator json, Tensor output) throws IOException {
    json.writeStartArray();
    ByteBuffer data = output.data();
    switch (output.datatype()) {
      case BOOL -> {
        for (int i = data.position(); i < data.limit(); i++) {
          json.writeBoolean(data.get(i) != 0);
        }
      }
      case INT8 -> {
        for (int i = data.position(); i < data.limit(); i++) {
          json.writeNumber(data.get(i));
        }
      }
      case UINT8 -> {
        for (int i = data.position(); i < data.limit(); i++) {
          json.writeNumber(data.get(i) & 0xFF);
        }
      }
      case INT16 -> {
        for (int i = data.position(); i < data.limit(); i += 2) {
          json.writeNumber(data.getShort(i));
        }
      }
      case UINT16 -> {
        for (int i = data.position(); i < data.limit(); i += 2) {
          json.writeNumber(data.getShort(i) & 0xFFFF);
        }
      }
      case INT32 -> {
        for (int i = data.position(); i < data.limit(); i += 4) {
          json.writeNumber(data.getInt(i));
        }
      }
      case UINT32 -> {
        for (int i = data.position(); i < data.limit(); i += 4) {
          json.writeNumber(data.getInt(i) & 0xFFFF_FFFFL);
        }
      }
      case INT64 -> {
        for (int i = data.position(); i < data.limit(); i += 8) {
          json.writeNumber(data.getLong(i));
        }
      }
      case UINT64 -> {
        for (int i = data.position(); i < data.limit(); i += 8) {
          long value = data.getLong(i);
          if (value >= 0) {
            json.writeNumber(value);
          } else {
            json.writeNumber(Long.toUnsignedString(value));
          }
        }
      }
      case FP16 -> {
        for (int i = data.position(); i < data.limit(); i += 2) {
          writeFloat(json, Float.float16ToFloat(data.getShort(i)));
        }
      }
      case BF16 -> {
        for (int i = data.position(); i < data.limit(); i += 2) {
          writeFloat(json, Float.intBitsToFloat((data.getShort(i) & 0xFFFF) << 16));
        }
      }
      case FP32 -> {
        for (int i = data.position(); i < data.limit(); i += 4) {
          writeFloat(json, data.getFloat(i));
        }
      }
      case FP64 -> {
        for (int i = data.position(); i < data.limit(); i += 8) {
          double value = data.getDouble(i);
          if (Double.isFinite(value)) {
            json.writeNumber(value);
          } else {
            json.writeString(Double.toString(value));
          }
        }
      }
      case BYTES -> {
        CharsetDecoder decoder =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        for (byte[] element : output.strings()) {
          writeBytes(json, decoder, element);
        }
      }
    }
    json.writeEndArray();
  }

  /** JSON has no NaN or infinity: those travel as the strings "NaN", "Infinity", "-Infinity". */
  private static void writeFloat(JsonGenerator json, float value) throws IOException {
    if (Float.isFinite(value)) {
      json.writeNumber(value);
    } else {
      json.writeString(Float.toString(value));
    }
  }

  /**
   * Text as a string; bytes that are not UTF-8 as {@code {"b64": "..."}}, so nothing is mangled.
   */
  private static void writeBytes(JsonGenerator json, CharsetDecoder decoder, byte[] element)
      throws IOException {
    CharBuffer text;
    try {
      text = decoder.reset().decode(ByteBuffer.wrap(element));
    } catch (CharacterCodingException e) {
      json.writeStartObject();
      json.writeStringField("b64", Base64.getEncoder().encodeToString(element));
      json.writeEndObject();
      return;
    }
    json.writeString(text.toString());
  }
}
