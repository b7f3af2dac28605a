package dev.pier.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.pier.examples.PenguinsModel.Penguin;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PenguinsModelTest {
  private static OrtSession session;

  @BeforeAll
  static void open() throws Exception {
    session = ModelRepository.open(PenguinsModel.NAME);
  }

  @AfterAll
  static void close() throws Exception {
    session.close();
  }

  @Test
  void namesMostHeldOutPenguinsCorrectlyFromStringAndMeasurementInputs() throws Exception {
    List<String> labels = ModelRepository.metadataLabels(session);
    List<Penguin> penguins = PenguinsModel.split().test();

    long[] predicted = predict(penguins).labels();

    int correct = 0;
    for (int row = 0; row < penguins.size(); row++) {
      if (labels.get((int) predicted[row]).equals(penguins.get(row).species())) {
        correct++;
      }
    }
    assertThat(penguins).hasSizeGreaterThan(60);
    assertThat(correct / (double) penguins.size()).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void dropsRowsWithMissingValues() {
    assertThat(PenguinsModel.penguins()).hasSize(333);
  }

  @Test
  void anUnknownIslandStillGetsAPrediction() throws Exception {
    Penguin stranger =
        new Penguin("Anvers", "MALE", new double[] {39.1, 18.7, 181, 3750}, "Adelie");

    Prediction prediction = predict(List.of(stranger));

    float[] probabilities = prediction.probabilities()[0];
    assertThat(probabilities[0] + probabilities[1] + probabilities[2]).isCloseTo(1f, within(1e-5f));
    assertThat(prediction.labels()[0]).isBetween(0L, 2L);
  }

  @Test
  void labelsAreTheThreeSpeciesInMetadataAndConfig() throws Exception {
    List<String> labels = ModelRepository.metadataLabels(session);

    assertThat(labels).containsExactlyInAnyOrder("Adelie", "Chinstrap", "Gentoo");
    assertThat(ModelRepository.configLabels(PenguinsModel.NAME)).isEqualTo(labels);
  }

  @Test
  void declaresStringCategoriesFloatMeasurementsAndBatchableOutputs() throws Exception {
    TensorInfo island = ModelRepository.tensor(session.getInputInfo().get("island"));
    TensorInfo sex = ModelRepository.tensor(session.getInputInfo().get("sex"));
    TensorInfo measurements = ModelRepository.tensor(session.getInputInfo().get("measurements"));
    TensorInfo label = ModelRepository.tensor(session.getOutputInfo().get("label"));
    TensorInfo probabilities = ModelRepository.tensor(session.getOutputInfo().get("probabilities"));

    assertThat(island.type).isEqualTo(OnnxJavaType.STRING);
    assertThat(island.getShape()).containsExactly(-1, 1);
    assertThat(sex.type).isEqualTo(OnnxJavaType.STRING);
    assertThat(sex.getShape()).containsExactly(-1, 1);
    assertThat(measurements.type).isEqualTo(OnnxJavaType.FLOAT);
    assertThat(measurements.getShape()).containsExactly(-1, 4);
    assertThat(label.type).isEqualTo(OnnxJavaType.INT64);
    assertThat(label.getShape()).containsExactly(-1);
    assertThat(probabilities.getShape()).containsExactly(-1, 3);
  }

  private record Prediction(long[] labels, float[][] probabilities) {}

  private static Prediction predict(List<Penguin> penguins) throws Exception {
    int rows = penguins.size();
    String[] islands = penguins.stream().map(Penguin::island).toArray(String[]::new);
    String[] sexes = penguins.stream().map(Penguin::sex).toArray(String[]::new);
    FloatBuffer measurements = FloatBuffer.allocate(rows * 4);
    for (Penguin penguin : penguins) {
      for (double measurement : penguin.measurements()) {
        measurements.put((float) measurement);
      }
    }
    measurements.flip();
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OnnxTensor island = OnnxTensor.createTensor(environment, islands, new long[] {rows, 1});
        OnnxTensor sex = OnnxTensor.createTensor(environment, sexes, new long[] {rows, 1});
        OnnxTensor measurement =
            OnnxTensor.createTensor(environment, measurements, new long[] {rows, 4});
        OrtSession.Result result =
            session.run(Map.of("island", island, "sex", sex, "measurements", measurement))) {
      return new Prediction(
          (long[]) result.get("label").orElseThrow().getValue(),
          (float[][]) result.get("probabilities").orElseThrow().getValue());
    }
  }
}
