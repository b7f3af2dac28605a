package dev.pier.examples;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.Locale;

/**
 * The Open Inference Protocol's tensor datatypes and the ONNX element type each maps to. BYTES is
 * ONNX's STRING: OIP carries strings as length-prefixed bytes.
 */
enum OipDatatype {
  BOOL(DataType.BOOL),
  UINT8(DataType.UINT8),
  UINT16(DataType.UINT16),
  UINT32(DataType.UINT32),
  UINT64(DataType.UINT64),
  INT8(DataType.INT8),
  INT16(DataType.INT16),
  INT32(DataType.INT32),
  INT64(DataType.INT64),
  FP16(DataType.FLOAT16),
  FP32(DataType.FLOAT),
  FP64(DataType.DOUBLE),
  BF16(DataType.BFLOAT16),
  BYTES(DataType.STRING);

  final DataType onnxType;

  OipDatatype(DataType onnxType) {
    this.onnxType = onnxType;
  }

  /** identity_bool, identity_uint8, ...: lower-case, as OIP model names usually are. */
  String identityModelName() {
    return "identity_" + name().toLowerCase(Locale.ROOT);
  }
}
