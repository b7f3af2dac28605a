package dev.pier.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.pier.examples.IrisModel.Flower;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class IrisModelTest {
  private static OrtSession session;

  @BeforeAll
  static void open() throws Exception {
    session = ModelRepository.open(IrisModel.NAME);
  }

  @AfterAll
  static void close() throws Exception {
    session.close();
  }

  @Test
  void namesMostHeldOutFlowersCorrectlyThroughTheLabelMetadata() throws Exception {
    List<String> labels = ModelRepository.metadataLabels(session);
    List<Flower> flowers = IrisModel.split().test();
    Prediction prediction = predict(flowers);

    int correct = 0;
    for (int row = 0; row < flowers.size(); row++) {
      if (labels.get((int) prediction.labels()[row]).equals(flowers.get(row).species())) {
        correct++;
      }
    }
    assertThat(flowers).hasSize(30);
    assertThat(correct / (double) flowers.size()).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void labelIsTheMostProbableClassAndProbabilitiesSumToOne() throws Exception {
    Prediction prediction = predict(IrisModel.split().test());

    for (int row = 0; row < prediction.labels().length; row++) {
      float[] probabilities = prediction.probabilities()[row];
      int mostProbable = 0;
      for (int label = 1; label < probabilities.length; label++) {
        mostProbable = probabilities[label] > probabilities[mostProbable] ? label : mostProbable;
      }
      assertThat(prediction.labels()[row]).isEqualTo(mostProbable);
      assertThat(probabilities[0] + probabilities[1] + probabilities[2])
          .isCloseTo(1f, within(1e-5f));
    }
  }

  @Test
  void aTypicalSetosaIsCalledSetosa() throws Exception {
    List<String> labels = ModelRepository.metadataLabels(session);

    Prediction prediction = predict(List.of(new Flower(5.1, 3.5, 1.4, 0.2, "setosa")));

    assertThat(labels.get((int) prediction.labels()[0])).isEqualTo("setosa");
  }

  @Test
  void labelsAreTheThreeSpeciesInMetadataAndConfig() throws Exception {
    List<String> labels = ModelRepository.metadataLabels(session);

    assertThat(labels).containsExactlyInAnyOrder("setosa", "versicolor", "virginica");
    assertThat(ModelRepository.configLabels(IrisModel.NAME)).isEqualTo(labels);
  }

  @Test
  void declaresBatchableFeaturesLabelAndProbabilities() throws Exception {
    TensorInfo features = ModelRepository.tensor(session.getInputInfo().get("features"));
    TensorInfo label = ModelRepository.tensor(session.getOutputInfo().get("label"));
    TensorInfo probabilities = ModelRepository.tensor(session.getOutputInfo().get("probabilities"));

    assertThat(session.getInputNames()).containsExactly("features");
    assertThat(features.type).isEqualTo(OnnxJavaType.FLOAT);
    assertThat(features.getShape()).containsExactly(-1, 4);
    assertThat(features.getDimensionNames()[0]).isEqualTo("batch");
    assertThat(label.type).isEqualTo(OnnxJavaType.INT64);
    assertThat(label.getShape()).containsExactly(-1);
    assertThat(probabilities.type).isEqualTo(OnnxJavaType.FLOAT);
    assertThat(probabilities.getShape()).containsExactly(-1, 3);
  }

  private record Prediction(long[] labels, float[][] probabilities) {}

  private static Prediction predict(List<Flower> flowers) throws Exception {
    FloatBuffer features = FloatBuffer.allocate(flowers.size() * 4);
    for (Flower flower : flowers) {
      for (double measurement : flower.measurements()) {
        features.put((float) measurement);
      }
    }
    features.flip();
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OnnxTensor input =
            OnnxTensor.createTensor(environment, features, new long[] {flowers.size(), 4});
        OrtSession.Result result = session.run(Map.of("features", input))) {
      return new Prediction(
          (long[]) result.get("label").orElseThrow().getValue(),
          (float[][]) result.get("probabilities").orElseThrow().getValue());
    }
  }
}
