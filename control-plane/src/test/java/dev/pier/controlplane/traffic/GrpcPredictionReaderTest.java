package dev.pier.controlplane.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.pier.controlplane.traffic.Prediction.Classified;
import dev.pier.controlplane.traffic.Prediction.Regressed;
import dev.pier.runtime.grpc.proto.InferTensorContents;
import dev.pier.runtime.grpc.proto.ModelInferResponse;
import dev.pier.runtime.grpc.proto.ModelInferResponse.InferOutputTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Predictions of OIP gRPC answers: the same choice of output as for JSON answers, read from typed
 * contents or raw output contents.
 */
class GrpcPredictionReaderTest {

  private static InferOutputTensor.Builder output(String name, String datatype, long... shape) {
    InferOutputTensor.Builder output =
        InferOutputTensor.newBuilder().setName(name).setDatatype(datatype);
    for (long dimension : shape) {
      output.addShape(dimension);
    }
    return output;
  }

  /** An answer of one output with typed contents. */
  private static ModelInferResponse typed(
      String name, String datatype, InferTensorContents.Builder contents, long... shape) {
    return ModelInferResponse.newBuilder()
        .addOutputs(output(name, datatype, shape).setContents(contents))
        .build();
  }

  /** An answer of one output in raw contents. */
  private static ModelInferResponse raw(String name, String datatype, byte[] bytes, long... shape) {
    return ModelInferResponse.newBuilder()
        .addOutputs(output(name, datatype, shape))
        .addRawOutputContents(ByteString.copyFrom(bytes))
        .build();
  }

  private static InferTensorContents.Builder contents() {
    return InferTensorContents.newBuilder();
  }

  private static ByteBuffer littleEndian(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void anIrisAnswerInTypedContentsGivesTheLabelNotTheArgmaxOfTheProbabilities() {
    ModelInferResponse answer =
        ModelInferResponse.newBuilder()
            .setModelName("iris")
            .addOutputs(
                output("probabilities", "FP32", 1, 3)
                    .setContents(
                        contents()
                            .addFp32Contents(0.9f)
                            .addFp32Contents(0.05f)
                            .addFp32Contents(0.05f)))
            .addOutputs(output("label", "INT64", 1).setContents(contents().addInt64Contents(2)))
            .build();

    assertThat(PredictionReader.read(answer)).containsExactly(new Classified(2));
  }

  @Test
  void rawOutputContentsAreReadLittleEndianInTheOutputsOrder() {
    ByteBuffer probabilities = littleEndian(24);
    for (float probability : new float[] {0.1f, 0.8f, 0.1f, 0.7f, 0.2f, 0.1f}) {
      probabilities.putFloat(probability);
    }
    ByteBuffer labels = littleEndian(16).putLong(1).putLong(0);
    ModelInferResponse answer =
        ModelInferResponse.newBuilder()
            .addOutputs(output("probabilities", "FP32", 2, 3))
            .addOutputs(output("label", "INT64", 2))
            .addRawOutputContents(ByteString.copyFrom(probabilities.array()))
            .addRawOutputContents(ByteString.copyFrom(labels.array()))
            .build();
    assertThat(PredictionReader.read(answer)).containsExactly(new Classified(1), new Classified(0));

    // Without the label, the argmax of the raw scores.
    assertThat(PredictionReader.read(raw("probabilities", "FP32", probabilities.array(), 2, 3)))
        .containsExactly(new Classified(1), new Classified(0));
  }

  @Test
  void halfPrecisionAndUnsignedRawOutputsAreRead() {
    ByteBuffer half = littleEndian(8);
    for (float score : new float[] {0.25f, 2.5f, 3.0f, -1.0f}) {
      half.putShort(Float.floatToFloat16(score));
    }
    assertThat(PredictionReader.read(raw("logits", "FP16", half.array(), 2, 2)))
        .containsExactly(new Classified(1), new Classified(0));

    ByteBuffer brain = littleEndian(4);
    for (float value : new float[] {1.5f, -2.25f}) {
      brain.putShort((short) (Float.floatToIntBits(value) >>> 16));
    }
    assertThat(PredictionReader.read(raw("value", "BF16", brain.array(), 2, 1)))
        .containsExactly(new Regressed(1.5), new Regressed(-2.25));

    assertThat(PredictionReader.read(raw("class", "UINT8", new byte[] {(byte) 200, 3}, 2)))
        .containsExactly(new Classified(200), new Classified(3));
  }

  @Test
  void typedRegressionAndUnsignedOutputsAreRead() {
    ModelInferResponse regression =
        typed("variable", "FP64", contents().addFp64Contents(1.5).addFp64Contents(-2.25), 2, 1);
    assertThat(PredictionReader.read(regression))
        .containsExactly(new Regressed(1.5), new Regressed(-2.25));

    assertThat(PredictionReader.read(typed("class", "UINT32", contents().addUintContents(7), 1)))
        .containsExactly(new Classified(7));
  }

  @Test
  void unexpectedAnswersGiveNothing() {
    assertThat(PredictionReader.read(ModelInferResponse.getDefaultInstance())).isEmpty();
    // The contents do not match the shape.
    assertThat(PredictionReader.read(typed("label", "INT64", contents().addInt64Contents(1), 2)))
        .isEmpty();
    // Raw contents for some outputs only, and raw bytes that are no whole number of elements.
    assertThat(
            PredictionReader.read(
                ModelInferResponse.newBuilder()
                    .addOutputs(output("probabilities", "FP32", 1, 3))
                    .addOutputs(output("label", "INT64", 1))
                    .addRawOutputContents(ByteString.copyFrom(littleEndian(8).putLong(1).array()))
                    .build()))
        .isEmpty();
    assertThat(PredictionReader.read(raw("label", "INT64", new byte[7], 1))).isEmpty();
    // Booleans and strings are no prediction; a negative class is none either.
    assertThat(PredictionReader.read(typed("label", "BOOL", contents().addBoolContents(true), 1)))
        .isEmpty();
    assertThat(
            PredictionReader.read(
                typed(
                    "label",
                    "BYTES",
                    contents().addBytesContents(ByteString.copyFromUtf8("setosa")),
                    1)))
        .isEmpty();
    assertThat(PredictionReader.read(typed("label", "INT32", contents().addIntContents(-1), 1)))
        .isEmpty();
  }
}
