package dev.pier.examples;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed broken models must stay broken, or the failed-load tests built on them prove
 * nothing.
 */
class BrokenModelsTest {
  @ParameterizedTest
  @ValueSource(strings = {TestModels.CORRUPT, TestModels.TRUNCATED})
  void failToLoad(String model) {
    Path file = Path.of(ModelZoo.BROKEN_DIRECTORY, model, "1", "model.onnx");

    assertThatThrownBy(() -> OrtEnvironment.getEnvironment().createSession(file.toString()).close())
        .isInstanceOf(OrtException.class);
  }
}
