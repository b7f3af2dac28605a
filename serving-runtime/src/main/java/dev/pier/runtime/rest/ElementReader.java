package dev.pier.runtime.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.pier.runtime.protocol.InferenceException;
import dev.pier.runtime.tensor.BufferPool;
import dev.pier.runtime.tensor.DataType;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads the JSON {@code data} of one input, flat or nested, straight into a little-endian direct
 * buffer of exactly the size the shape needs (or into byte strings for BYTES). Every element is
 * range-checked for its datatype; more or fewer elements than the shape needs is an error naming
 * the input.
 */
final class ElementReader {
  private static final BigInteger UINT64_MAX =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private final String input;
  private final DataType datatype;
  private final int expected;
  private final ByteBuffer data;
  private final byte[][] strings;
  private int count;

  ElementReader(String input, DataType datatype, int expected) {
    this.input = input;
    this.datatype = datatype;
    this.expected = expected;
    if (datatype == DataType.BYTES) {
      this.data = null;
      this.strings = new byte[expected][];
    } else {
      this.data = BufferPool.acquire(expected * datatype.byteWidth());
      this.strings = null;
    }
  }

  /** Reads the value at the parser's current token (an array, nested arrays, or one scalar). */
  void read(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_ARRAY) {
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        read(parser);
      }
      return;
    }
    if (count == expected) {
      throw InferenceException.invalid(
          "input '" + input + "' has more data elements than its shape holds (" + expected + ")");
    }
    switch (datatype) {
      case BOOL -> data.put((byte) (bool(parser) ? 1 : 0));
      case INT8 -> data.put((byte) integer(parser, Byte.MIN_VALUE, Byte.MAX_VALUE));
      case INT16 -> data.putShort((short) integer(parser, Short.MIN_VALUE, Short.MAX_VALUE));
      case INT32 -> data.putInt((int) integer(parser, Integer.MIN_VALUE, Integer.MAX_VALUE));
      case INT64 -> data.putLong(integer(parser, Long.MIN_VALUE, Long.MAX_VALUE));
      case UINT8 -> data.put((byte) integer(parser, 0, 0xFF));
      case UINT16 -> data.putShort((short) integer(parser, 0, 0xFFFF));
      case UINT32 -> data.putInt((int) integer(parser, 0, 0xFFFF_FFFFL));
      case UINT64 -> data.putLong(unsigned64(parser));
      case FP16 -> data.putShort(Float.floatToFloat16(number(parser)));
      case BF16 -> data.putShort(toBfloat16(number(parser)));
      case FP32 -> data.putFloat(number(parser));
      case FP64 -> data.putDouble(doubleNumber(parser));
      case BYTES -> strings[count] = bytes(parser);
    }
    count++;
  }

  /** The data read, after checking the element count matches the shape. */
  ByteBuffer data() {
    checkComplete();
    return data.flip();
  }

  byte[][] strings() {
    checkComplete();
    return strings;
  }

  private void checkComplete() {
    if (count != expected) {
      throw InferenceException.invalid(
          "input '" + input + "' has " + count + " data elements but its shape needs " + expected);
    }
  }

  private boolean bool(JsonParser parser) throws IOException {
    return switch (parser.currentToken()) {
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      default -> throw wrongKind(parser, "true or false");
    };
  }

  private long integer(JsonParser parser, long min, long max) throws IOException {
    if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
      throw wrongKind(parser, "an integer");
    }
    if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw outOfRange(parser.getText(), min, max);
    }
    long value = parser.getLongValue();
    if (value < min || value > max) {
      throw outOfRange(Long.toString(value), min, max);
    }
    return value;
  }

  private long unsigned64(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
      throw wrongKind(parser, "an integer");
    }
    if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      BigInteger value = parser.getBigIntegerValue();
      if (value.signum() < 0 || value.compareTo(UINT64_MAX) > 0) {
        throw InferenceException.invalid(
            "input '" + input + "' element " + count + " is " + value + ", outside UINT64's range");
      }
      return value.longValue();
    }
    long value = parser.getLongValue();
    if (value < 0) {
      throw InferenceException.invalid(
          "input '" + input + "' element " + count + " is " + value + ", outside UINT64's range");
    }
    return value;
  }

  private float number(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token != JsonToken.VALUE_NUMBER_FLOAT && token != JsonToken.VALUE_NUMBER_INT) {
      throw wrongKind(parser, "a number");
    }
    return parser.getFloatValue();
  }

  private double doubleNumber(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token != JsonToken.VALUE_NUMBER_FLOAT && token != JsonToken.VALUE_NUMBER_INT) {
      throw wrongKind(parser, "a number");
    }
    return parser.getDoubleValue();
  }

  /** A string, or {@code {"b64": "..."}} for bytes that are not text. */
  private byte[] bytes(JsonParser parser) throws IOException {
    if (parser.currentToken() == JsonToken.VALUE_STRING) {
      return parser.getText().getBytes(StandardCharsets.UTF_8);
    }
    if (parser.currentToken() == JsonToken.START_OBJECT
        && parser.nextToken() == JsonToken.FIELD_NAME
        && parser.currentName().equals("b64")
        && parser.nextToken() == JsonToken.VALUE_STRING) {
      String encoded = parser.getText();
      if (parser.nextToken() == JsonToken.END_OBJECT) {
        try {
          return Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
          throw InferenceException.invalid(
              "input '" + input + "' element " + count + " has invalid base64 in 'b64'");
        }
      }
    }
    throw InferenceException.invalid(
        "input '" + input + "' element " + count + " must be a string or {\"b64\": \"...\"}");
  }

  private InferenceException wrongKind(JsonParser parser, String expectedKind) throws IOException {
    return InferenceException.invalid(
        "input '"
            + input
            + "' element "
            + count
            + " is "
            + describe(parser)
            + " but datatype "
            + datatype
            + " needs "
            + expectedKind);
  }

  private InferenceException outOfRange(String value, long min, long max) {
    return InferenceException.invalid(
        "input '"
            + input
            + "' element "
            + count
            + " is "
            + value
            + ", outside "
            + datatype
            + "'s range ["
            + min
            + ", "
            + max
            + "]");
  }

  private static String describe(JsonParser parser) throws IOException {
    return switch (parser.currentToken()) {
      case VALUE_STRING -> "the string \"" + abbreviate(parser.getText()) + "\"";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> abbreviate(parser.getText());
      case VALUE_TRUE, VALUE_FALSE -> parser.getText();
      case VALUE_NULL -> "null";
      case START_OBJECT -> "an object";
      default -> parser.currentToken().toString();
    };
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }

  /** Rounds a float to bfloat16 (round to nearest, ties to even), keeping NaN a NaN. */
  static short toBfloat16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
