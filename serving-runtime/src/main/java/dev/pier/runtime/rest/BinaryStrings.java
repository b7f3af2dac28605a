package dev.pier.runtime.rest;

import dev.pier.runtime.protocol.InferenceException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * BYTES tensors in binary form, as the binary tensor data extension (and Triton) lay them out: each
 * element is a 4-byte little-endian length followed by that many bytes.
 */
final class BinaryStrings {
  private BinaryStrings() {}

  static byte[][] decode(String input, byte[] body, int offset, int size, int expected) {
    ByteBuffer buffer = ByteBuffer.wrap(body, offset, size).order(ByteOrder.LITTLE_ENDIAN);
    byte[][] elements = new byte[expected][];
    for (int i = 0; i < expected; i++) {
      if (buffer.remaining() < 4) {
        throw InferenceException.invalid(
            "input '" + input + "' binary data ends after " + i + " of " + expected + " elements");
      }
      int length = buffer.getInt();
      if (length < 0 || length > buffer.remaining()) {
        throw InferenceException.invalid(
            "input '"
                + input
                + "' element "
                + i
                + " declares "
                + Integer.toUnsignedString(length)
                + " bytes but only "
                + buffer.remaining()
                + " remain");
      }
      elements[i] = new byte[length];
      buffer.get(elements[i]);
    }
    if (buffer.hasRemaining()) {
      throw InferenceException.invalid(
          "input '"
              + input
              + "' binary data has "
              + buffer.remaining()
              + " bytes beyond its "
              + expected
              + " elements");
    }
    return elements;
  }

  static byte[] encode(byte[][] elements) {
    int size = 0;
    for (byte[] element : elements) {
      size += 4 + element.length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    ByteBuffer length = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    for (byte[] element : elements) {
      out.write(length.putInt(0, element.length).array(), 0, 4);
      out.write(element, 0, element.length);
    }
    return out.toByteArray();
  }
}
