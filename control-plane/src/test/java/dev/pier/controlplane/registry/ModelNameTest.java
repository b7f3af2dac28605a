package dev.pier.controlplane.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelNameTest {

  @ParameterizedTest
  @ValueSource(strings = {"iris", "a", "Model_2.1-final", "0", "a..b"})
  void namesTheRuntimeAcceptsAreValid(String name) {
    assertThat(ModelName.of(name).value()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "../x", "a/b", ".hidden", "-x", "_x", "a b", "a\\b", "ä", "a\nb"})
  void otherNamesAreInvalidNames(String name) {
    assertThatThrownBy(() -> ModelName.of(name))
        .isInstanceOfSatisfying(
            PierException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_NAME))
        .hasMessageContaining("must be 1-128 characters");
  }

  @ParameterizedTest
  @ValueSource(ints = {128, 129})
  void namesHaveAtMost128Characters(int length) {
    String name = "x".repeat(length);
    if (length <= 128) {
      assertThat(ModelName.of(name).value()).hasSize(length);
    } else {
      assertThatThrownBy(() -> ModelName.of(name)).isInstanceOf(PierException.class);
    }
  }

  @org.junit.jupiter.api.Test
  void controlCharactersAreEscapedInTheMessage() {
    assertThatThrownBy(() -> ModelName.of("a\u001b[31mb"))
        .hasMessageStartingWith("model name 'a\\u001b[31mb' is invalid");
  }
}
