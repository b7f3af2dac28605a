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
                        InferTensorContents.newBuilder()
                            .addFp32Contents(0.9f)
                            .addFp32Contents(0.05f)
                            .addFp32Contents(0.05f)))
            .addOutputs(
                output("label", "INT64", 1)
                    .setContents(InferTensorContents.newBuilder().addInt64Contents(2)))
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
    ModelInferResponse scoresOnly =
        ModelInferResponse.newBuilder()
            .addOutputs(output("probabilities", "FP32", 2, 3))
            .addRawOutputContents(ByteString.copyFrom(probabilities.array()))
            .build();
    assertThat(PredictionReader.read(scoresOnly))
        .containsExactly(new Classified(1), new Classified(0));
  }

  @Test
  void halfPrecisionAndUnsignedRawOutputsAreRead() {
    ByteBuffer half = littleEndian(8);
    for (float score : new float[] {0.25f, 2.5f, 3.0f, -1.0f}) {
      half.putShort(Float.floatToFloat16(score));
    }
    ModelInferResponse fp16 =
        ModelInferResponse.newBuilder()
            .addOutputs(output("logits", "FP16", 2, 2))
            .addRawOutputContents(ByteString.copyFrom(half.array()))
            .build();
    assertThat(PredictionReader.read(fp16)).containsExactly(new Classified(1), new Classified(0));

    ByteBuffer brain = littleEndian(4);
    for (float value : new float[] {1.5f, -2.25f}) {
      brain.putShort((short) (Float.floatToIntBits(value) >>> 16));
    }
    ModelInferResponse bf16 =
        ModelInferResponse.newBuilder()
            .addOutputs(output("value", "BF16", 2, 1))
            .addRawOutputContents(ByteString.copyFrom(brain.array()))
            .build();
    assertThat(PredictionReader.read(bf16))
        .containsExactly(new Regressed(1.5), new Regressed(-2.25));

    ModelInferResponse uint8 =
        ModelInferResponse.newBuilder()
            .addOutputs(output("class", "UINT8", 2))
            .addRawOutputContents(ByteString.copyFrom(new byte[] {(byte) 200, 3}))
            .build();
    assertThat(PredictionReader.read(uint8))
        .containsExactly(new Classified(200), new Classified(3));
  }

  @Test
  void typedRegressionAndUnsignedOutputsAreRead() {
    ModelInferResponse regression =
        ModelInferResponse.newBuilder()
            .addOutputs(
                output("variable", "FP64", 2, 1)
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addFp64Contents(1.5)
                            .addFp64Contents(-2.25)))
            .build();
    assertThat(PredictionReader.read(regression))
        .containsExactly(new Regressed(1.5), new Regressed(-2.25));

    ModelInferResponse unsigned =
        ModelInferResponse.newBuilder()
            .addOutputs(
                output("class", "UINT32", 1)
                    .setContents(InferTensorContents.newBuilder().addUintContents(7)))
            .build();
    assertThat(PredictionReader.read(unsigned)).containsExactly(new Classified(7));
  }

  @Test
  void unexpectedAnswersGiveNothing() {
    assertThat(PredictionReader.read(ModelInferResponse.getDefaultInstance())).isEmpty();
    // The contents do not match the shape.
    assertThat(
            PredictionReader.read(
                ModelInferResponse.newBuilder()
                    .addOutputs(
                        output("label", "INT64", 2)
                            .setContents(InferTensorContents.newBuilder().addInt64Contents(1)))
                    .build()))
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
    assertThat(
            PredictionReader.read(
                ModelInferResponse.newBuilder()
                    .addOutputs(output("label", "INT64", 1))
                    .addRawOutputContents(ByteString.copyFrom(new byte[7]))
                    .build()))
        .isEmpty();
    // Booleans and strings are no prediction; a negative class is none either.
    assertThat(
            PredictionReader.read(
                ModelInferResponse.newBuilder()
                    .addOutputs(
                        output("label", "BOOL", 1)
                            .setContents(InferTensorContents.newBuilder().addBoolContents(true)))
                    .build()))
        .isEmpty();
    assertThat(
            PredictionReader.read(
                ModelInferResponse.newBuilder()
                    .addOutputs(
                        output("label", "BYTES", 1)
                            .setContents(
                                InferTensorContents.newBuilder()
                                    .addBytesContents(ByteString.copyFromUtf8("setosa"))))
                    .build()))
        .isEmpty();
    assertThat(
            PredictionReader.read(
                ModelInferResponse.newBuilder()
                    .addOutputs(
                        output("label", "INT32", 1)
                            .setContents(InferTensorContents.newBuilder().addIntContents(-1)))
                    .build()))
        .isEmpty();
  }
}
