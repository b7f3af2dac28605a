package dev.pier.runtime.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A named, typed, flat tensor as it travels between the wire and ONNX Runtime.
 *
 * <p>Fixed-width data is one little-endian {@link ByteBuffer} in row-major order (direct when it
 * came from a decoder, so ONNX Runtime can read it without a copy); {@link DataType#BYTES} data is
 * an array of byte strings. Exactly one of the two is present. A tensor never holds nested Java
 * arrays or widened copies of its elements.
 *
 * @param name tensor name as the model declares it
 * @param datatype element type
 * @param shape dimensions, each non-negative
 * @param data fixed-width elements (position 0, limit = element count x width); null for BYTES
 * @param strings BYTES elements; null for fixed-width types
 * @param parameters per-tensor OIP parameters, never null
 */
public record Tensor(
    String name,
    DataType datatype,
    long[] shape,
    ByteBuffer data,
    byte[][] strings,
    Parameters parameters) {

  public Tensor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(datatype, "datatype");
    Objects.requireNonNull(shape, "shape");
    parameters = parameters == null ? Parameters.EMPTY : parameters;
    if (datatype.isFixedWidth() == (data == null) || (strings == null) == (data == null)) {
      throw new IllegalArgumentException(
          "tensor '" + name + "' must hold either fixed-width data or byte strings, per datatype");
    }
  }

  /** Wraps {@code data} as it is (no copy); its byte order is set to little-endian. */
  public static Tensor ofFixedWidth(
      String name, DataType datatype, long[] shape, ByteBuffer data, Parameters parameters) {
    return new Tensor(name, datatype, shape, data.order(ByteOrder.LITTLE_ENDIAN), null, parameters);
  }

  public static Tensor ofStrings(
      String name, long[] shape, byte[][] strings, Parameters parameters) {
    return new Tensor(name, DataType.BYTES, shape, null, strings, parameters);
  }

  /**
   * Number of elements the shape describes; the caller has already checked it does not overflow.
   */
  public long elementCount() {
    return Shapes.elementCount(shape);
  }

  /** Number of elements actually held. */
  public long heldElements() {
    return strings != null ? strings.length : data.remaining() / datatype.byteWidth();
  }

  public Tensor withParameters(Parameters newParameters) {
    return new Tensor(name, datatype, shape, data, strings, newParameters);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Tensor that
        && name.equals(that.name)
        && datatype == that.datatype
        && Arrays.equals(shape, that.shape)
        && Objects.equals(data, that.data)
        && Arrays.deepEquals(strings, that.strings)
        && parameters.equals(that.parameters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        name, datatype, Arrays.hashCode(shape), data, Arrays.deepHashCode(strings), parameters);
  }

  @Override
  public String toString() {
    return "Tensor[" + name + " " + datatype + " " + Arrays.toString(shape) + "]";
  }
}
