package dev.pier.runtime.tensor;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import java.util.Optional;

/**
 * The Open Inference Protocol tensor datatypes, with their wire width and their ONNX Runtime
 * counterparts.
 *
 * <p>Unsigned 16/32/64-bit types have no {@link OnnxJavaType}: ONNX Runtime's Java API cannot
 * create them as inputs, so {@link #inputCarrier()} names the same-width signed type whose bits the
 * runtime hands to ONNX Runtime instead (see {@code UnsignedInputAdapter}).
 */
public enum DataType {
  BOOL(1, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL, OnnxJavaType.BOOL),
  UINT8(1, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8, OnnxJavaType.UINT8),
  UINT16(2, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16, null),
  UINT32(4, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32, null),
  UINT64(8, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64, null),
  INT8(1, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8, OnnxJavaType.INT8),
  INT16(2, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16, OnnxJavaType.INT16),
  INT32(4, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32, OnnxJavaType.INT32),
  INT64(8, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, OnnxJavaType.INT64),
  FP16(2, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16, OnnxJavaType.FLOAT16),
  FP32(4, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, OnnxJavaType.FLOAT),
  FP64(8, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE, OnnxJavaType.DOUBLE),
  BF16(2, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16, OnnxJavaType.BFLOAT16),
  /** Variable-length byte strings; ONNX STRING. Not fixed width: {@link #byteWidth()} is 0. */
  BYTES(0, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, OnnxJavaType.STRING);

  private final int byteWidth;
  private final OnnxTensorType onnxType;
  private final OnnxJavaType javaType;

  DataType(int byteWidth, OnnxTensorType onnxType, OnnxJavaType javaType) {
    this.byteWidth = byteWidth;
    this.onnxType = onnxType;
    this.javaType = javaType;
  }

  /** Bytes per element on the wire (little-endian), or 0 for {@link #BYTES}. */
  public int byteWidth() {
    return byteWidth;
  }

  public boolean isFixedWidth() {
    return this != BYTES;
  }

  public OnnxTensorType onnxType() {
    return onnxType;
  }

  /**
   * The type ONNX Runtime receives for an input of this type: itself, or for unsigned 16/32/64-bit
   * types the same-width signed type carrying identical bits.
   */
  public OnnxJavaType inputCarrier() {
    return switch (this) {
      case UINT16 -> OnnxJavaType.INT16;
      case UINT32 -> OnnxJavaType.INT32;
      case UINT64 -> OnnxJavaType.INT64;
      default -> javaType;
    };
  }

  /** Parses an OIP datatype name such as {@code "FP32"}; case-sensitive, as the protocol is. */
  public static Optional<DataType> fromWireName(String name) {
    if (name == null) {
      return Optional.empty();
    }
    for (DataType type : VALUES) {
      if (type.name().equals(name)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /** The OIP datatype of an ONNX tensor element type, if the protocol can carry it. */
  public static Optional<DataType> fromOnnx(OnnxTensorType onnxType) {
    for (DataType type : VALUES) {
      if (type.onnxType == onnxType) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  private static final DataType[] VALUES = values();
}
