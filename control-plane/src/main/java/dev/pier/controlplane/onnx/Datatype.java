package dev.pier.controlplane.onnx;

import ai.onnxruntime.TensorInfo.OnnxTensorType;
import java.util.Optional;

/**
 * Tensor element types as the Open Inference Protocol names them, which is how the registry records
 * a model's schema (ONNX STRING is OIP BYTES). ONNX element types that OIP cannot carry (complex
 * numbers, 8-bit floats) have no constant: the runtime cannot serve such a model.
 */
public enum Datatype {
  BOOL,
  UINT8,
  UINT16,
  UINT32,
  UINT64,
  INT8,
  INT16,
  INT32,
  INT64,
  FP16,
  FP32,
  FP64,
  BF16,
  BYTES;

  /** The OIP type of an ONNX element type, if OIP has one. */
  static Optional<Datatype> fromOnnx(OnnxTensorType type) {
    return Optional.ofNullable(
        switch (type) {
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> BOOL;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> UINT8;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 -> UINT16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 -> UINT32;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 -> UINT64;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> INT8;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> INT16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> INT32;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> INT64;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> FP16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> FP32;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> FP64;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> BF16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> BYTES;
          default -> null;
        });
  }
}
