package dev.pier.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The canary made to fail: it must load, take iris-shaped input, and fail every inference. */
class AlwaysFailsModelTest {
  private static OrtSession session;

  @BeforeAll
  static void open() throws Exception {
    session = ModelRepository.open(TestModels.ALWAYS_FAILS);
  }

  @AfterAll
  static void close() throws Exception {
    session.close();
  }

  @Test
  void loadsWithAnIrisShapedInputAndFailsEveryInference() throws Exception {
    assertThat(session.getInputNames()).containsExactly("features");
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OnnxTensor features =
        OnnxTensor.createTensor(
            environment,
            FloatBuffer.wrap(new float[] {5.1f, 3.5f, 1.4f, 0.2f}),
            new long[] {1, 4})) {
      assertThatThrownBy(() -> session.run(Map.of("features", features)))
          .isInstanceOf(OrtException.class);
    }
  }
}
