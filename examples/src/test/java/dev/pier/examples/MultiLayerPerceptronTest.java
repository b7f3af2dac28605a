package dev.pier.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultiLayerPerceptronTest {
  @Test
  void holdsMoreThanThreeMillionParameters() throws Exception {
    OnnxMl.ModelProto model =
        OnnxMl.ModelProto.parseFrom(
            Files.readAllBytes(ModelRepository.modelFile(MultiLayerPerceptron.NAME)));

    long parameters = 0;
    for (OnnxMl.TensorProto initializer : model.getGraph().getInitializerList()) {
      parameters += initializer.getDimsList().stream().reduce(1L, Math::multiplyExact);
    }

    assertThat(parameters).isGreaterThan(3_000_000).isEqualTo(4_235_786);
  }

  @Test
  void mapsABatchOfImagesToTenLogitsEach() throws Exception {
    int rows = 3;
    FloatBuffer images = FloatBuffer.allocate(rows * 784);
    Random random = new Random(1);
    while (images.hasRemaining()) {
      images.put(random.nextFloat());
    }
    images.flip();

    try (OrtSession session = ModelRepository.open(MultiLayerPerceptron.NAME);
        OnnxTensor input =
            OnnxTensor.createTensor(
                OrtEnvironment.getEnvironment(), images, new long[] {rows, 784});
        OrtSession.Result result = session.run(Map.of("input", input))) {
      float[][] logits = (float[][]) result.get("logits").orElseThrow().getValue();

      assertThat(logits).hasNumberOfRows(rows);
      assertThat(logits[0]).hasSize(10).doesNotContain(Float.NaN);
      assertThat(logits[0]).isNotEqualTo(logits[1]);
    }
  }

  @Test
  void declaresBatchableInputAndLogits() throws Exception {
    try (OrtSession session = ModelRepository.open(MultiLayerPerceptron.NAME)) {
      TensorInfo input = ModelRepository.tensor(session.getInputInfo().get("input"));
      TensorInfo logits = ModelRepository.tensor(session.getOutputInfo().get("logits"));

      assertThat(input.type).isEqualTo(OnnxJavaType.FLOAT);
      assertThat(input.getShape()).containsExactly(-1, 784);
      assertThat(input.getDimensionNames()[0]).isEqualTo("batch");
      assertThat(logits.type).isEqualTo(OnnxJavaType.FLOAT);
      assertThat(logits.getShape()).containsExactly(-1, 10);
    }
  }
}
