package dev.pier.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IdentityModelsTest {
  private static final long[] SHAPE = {2, 3};

  @ParameterizedTest
  @EnumSource(
      value = OipDatatype.class,
      names = {"UINT16", "UINT32", "UINT64", "BYTES"},
      mode = EnumSource.Mode.EXCLUDE)
  void returnsEveryBitOfANumericInputUnchanged(OipDatatype datatype) throws Exception {
    OnnxJavaType type = javaType(datatype);
    ByteBuffer data = ByteBuffer.allocateDirect(6 * type.size).order(ByteOrder.nativeOrder());
    Random random = new Random(datatype.ordinal());
    while (data.hasRemaining()) {
      // Booleans must be 0 or 1; every other type takes any bit pattern, NaNs included.
      data.put(type == OnnxJavaType.BOOL ? (byte) random.nextInt(2) : (byte) random.nextInt());
    }
    data.flip();

    try (OrtSession session = ModelRepository.open(datatype.identityModelName());
        OnnxTensor input =
            OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), data, SHAPE, type);
        OrtSession.Result result = session.run(Map.of("input", input))) {
      OnnxTensor output = (OnnxTensor) result.get("output").orElseThrow();

      assertThat(output.getInfo().type).isEqualTo(type);
      assertThat(output.getInfo().getShape()).containsExactly(SHAPE);
      assertThat(output.getByteBuffer()).isEqualTo(data.rewind());
    }
  }

  @Test
  void returnsStringsUnchangedEvenWithNulsAndEmoji() throws Exception {
    String[] strings = {"plain", "", "nul\0inside", "emoji \uD83D\uDC27", "ünïcödé", "x"};

    try (OrtSession session = ModelRepository.open(OipDatatype.BYTES.identityModelName());
        OnnxTensor input =
            OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), strings, SHAPE);
        OrtSession.Result result = session.run(Map.of("input", input))) {
      String[][] output = (String[][]) result.get("output").orElseThrow().getValue();

      assertThat(output)
          .isEqualTo(
              new String[][] {
                {"plain", "", "nul\0inside"}, {"emoji \uD83D\uDC27", "ünïcödé", "x"}
              });
    }
  }

  /**
   * ONNX Runtime's Java API cannot create unsigned 16, 32 or 64-bit tensors: check declarations.
   */
  @ParameterizedTest
  @EnumSource(
      value = OipDatatype.class,
      names = {"UINT16", "UINT32", "UINT64"})
  void declaresUnsignedWideTypes(OipDatatype datatype) throws Exception {
    try (OrtSession session = ModelRepository.open(datatype.identityModelName())) {
      TensorInfo input = ModelRepository.tensor(session.getInputInfo().get("input"));
      TensorInfo output = ModelRepository.tensor(session.getOutputInfo().get("output"));

      // For these three the OIP name and ONNX Runtime's element type name agree.
      String elementType = "ONNX_TENSOR_ELEMENT_DATA_TYPE_" + datatype.name();
      assertThat(input.onnxType.name()).isEqualTo(elementType);
      assertThat(output.onnxType.name()).isEqualTo(elementType);
    }
  }

  @ParameterizedTest
  @EnumSource(OipDatatype.class)
  void declaresABatchAndADynamicSecondDimension(OipDatatype datatype) throws Exception {
    try (OrtSession session = ModelRepository.open(datatype.identityModelName())) {
      TensorInfo input = ModelRepository.tensor(session.getInputInfo().get("input"));
      TensorInfo output = ModelRepository.tensor(session.getOutputInfo().get("output"));

      assertThat(input.getShape()).containsExactly(-1, -1);
      assertThat(input.getDimensionNames()).containsExactly("batch", "elements");
      assertThat(output.getShape()).containsExactly(-1, -1);
    }
  }

  private static OnnxJavaType javaType(OipDatatype datatype) {
    return switch (datatype) {
      case BOOL -> OnnxJavaType.BOOL;
      case UINT8 -> OnnxJavaType.UINT8;
      case INT8 -> OnnxJavaType.INT8;
      case INT16 -> OnnxJavaType.INT16;
      case INT32 -> OnnxJavaType.INT32;
      case INT64 -> OnnxJavaType.INT64;
      case FP16 -> OnnxJavaType.FLOAT16;
      case FP32 -> OnnxJavaType.FLOAT;
      case FP64 -> OnnxJavaType.DOUBLE;
      case BF16 -> OnnxJavaType.BFLOAT16;
      case UINT16, UINT32, UINT64, BYTES ->
          throw new IllegalArgumentException(datatype + " has no ByteBuffer tensor in ORT Java");
    };
  }
}
