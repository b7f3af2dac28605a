package dev.pier.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AddSubModelTest {
  private static OrtSession session;

  @BeforeAll
  static void open() throws Exception {
    session = ModelRepository.open(TestModels.ADD_SUB);
  }

  @AfterAll
  static void close() throws Exception {
    session.close();
  }

  @Test
  void addsAndSubtracts() throws Exception {
    try (OnnxTensor a = tensor(1, 2, 3, 4, 5, 6, 7, 8);
        OnnxTensor b = tensor(8, 7, 6, 5, 4, 3, 2, 1);
        OrtSession.Result result = session.run(Map.of("a", a, "b", b))) {
      assertThat((float[][]) result.get("sum").orElseThrow().getValue())
          .isEqualTo(new float[][] {{9, 9, 9, 9}, {9, 9, 9, 9}});
      assertThat((float[][]) result.get("difference").orElseThrow().getValue())
          .isEqualTo(new float[][] {{-7, -5, -3, -1}, {1, 3, 5, 7}});
    }
  }

  @Test
  void computesOnlyTheRequestedOutput() throws Exception {
    try (OnnxTensor a = tensor(1, 2, 3, 4);
        OnnxTensor b = tensor(1, 1, 1, 1);
        OrtSession.Result result = session.run(Map.of("a", a, "b", b), Set.of("difference"))) {
      assertThat(result.size()).isEqualTo(1);
      assertThat((float[][]) result.get("difference").orElseThrow().getValue())
          .isEqualTo(new float[][] {{0, 1, 2, 3}});
    }
  }

  @Test
  void declaresAFixedSecondDimensionOfFour() throws Exception {
    for (String name : Set.of("a", "b")) {
      TensorInfo input = ModelRepository.tensor(session.getInputInfo().get(name));
      assertThat(input.getShape()).containsExactly(-1, 4);
    }
    assertThat(session.getOutputNames()).containsExactly("sum", "difference");
  }

  @Test
  void rejectsASecondDimensionOtherThanFour() throws Exception {
    try (OnnxTensor a = tensor(1, 2, 3);
        OnnxTensor b = tensor(1, 2, 3)) {
      assertThatThrownBy(() -> session.run(Map.of("a", a, "b", b)).close())
          .isInstanceOf(OrtException.class);
    }
  }

  /** One row per four values, or a single row when fewer are given. */
  private static OnnxTensor tensor(float... values) throws OrtException {
    long[] shape =
        values.length % 4 == 0 ? new long[] {values.length / 4, 4} : new long[] {1, values.length};
    return OnnxTensor.createTensor(
        OrtEnvironment.getEnvironment(), FloatBuffer.wrap(values), shape);
  }
}
