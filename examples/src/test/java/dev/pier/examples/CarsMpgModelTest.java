package dev.pier.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.pier.examples.CarsMpgModel.Car;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CarsMpgModelTest {
  private static OrtSession session;

  @BeforeAll
  static void open() throws Exception {
    session = ModelRepository.open(CarsMpgModel.NAME);
  }

  @AfterAll
  static void close() throws Exception {
    session.close();
  }

  @Test
  void predictsHeldOutCarsWithinFourMilesPerGallonOnAverage() throws Exception {
    List<Car> cars = CarsMpgModel.split().test();
    FloatBuffer features = FloatBuffer.allocate(cars.size() * 6);
    for (Car car : cars) {
      for (double specification : car.specifications()) {
        features.put((float) specification);
      }
    }
    features.flip();

    float[][] predicted;
    try (OnnxTensor input =
            OnnxTensor.createTensor(
                OrtEnvironment.getEnvironment(), features, new long[] {cars.size(), 6});
        OrtSession.Result result = session.run(Map.of("features", input))) {
      predicted = (float[][]) result.get("mpg").orElseThrow().getValue();
    }

    double absoluteErrors = 0;
    for (int row = 0; row < cars.size(); row++) {
      absoluteErrors += Math.abs(predicted[row][0] - cars.get(row).milesPerGallon());
    }
    assertThat(cars).hasSizeGreaterThan(70);
    assertThat(absoluteErrors / cars.size()).isLessThan(4);
  }

  @Test
  void dropsRowsWithMissingValues() {
    assertThat(CarsMpgModel.cars()).hasSize(392);
  }

  @Test
  void declaresSixFeaturesInAndOneMpgOut() throws Exception {
    TensorInfo features = ModelRepository.tensor(session.getInputInfo().get("features"));
    TensorInfo mpg = ModelRepository.tensor(session.getOutputInfo().get("mpg"));

    assertThat(features.type).isEqualTo(OnnxJavaType.FLOAT);
    assertThat(features.getShape()).containsExactly(-1, 6);
    assertThat(mpg.type).isEqualTo(OnnxJavaType.FLOAT);
    assertThat(mpg.getShape()).containsExactly(-1, 1);
    assertThat(session.getMetadata().getCustomMetadata()).doesNotContainKey("pier.labels");
  }
}
