package dev.pier.controlplane.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.testing.ExampleModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The schema of the examples module's real models, as ONNX Runtime reads it. */
class OnnxInspectorTest {
  private final OnnxInspector inspector = new OnnxInspector();

  @Test
  void irisHasItsFeaturesInputAndClassifierOutputs() {
    ModelSchema schema = inspector.inspect(ExampleModels.iris());

    assertThat(schema.inputs())
        .containsExactly(new TensorSpec("features", Datatype.FP32, List.of(-1L, 4L)));
    assertThat(schema.outputs())
        .containsExactlyInAnyOrder(
            new TensorSpec("label", Datatype.INT64, List.of(-1L)),
            new TensorSpec("probabilities", Datatype.FP32, List.of(-1L, 3L)));
    assertThat(schema.customMetadata())
        .containsEntry("pier.labels", "[\"virginica\",\"setosa\",\"versicolor\"]");
  }

  @Test
  void stringInputsAreBytes() {
    ModelSchema schema = inspector.inspect(ExampleModels.penguins());

    assertThat(schema.inputs())
        .containsExactly(
            new TensorSpec("island", Datatype.BYTES, List.of(-1L, 1L)),
            new TensorSpec("sex", Datatype.BYTES, List.of(-1L, 1L)),
            new TensorSpec("measurements", Datatype.FP32, List.of(-1L, 4L)));
  }

  @ParameterizedTest
  @CsvSource({
    "bool, BOOL",
    "uint8, UINT8",
    "uint16, UINT16",
    "uint32, UINT32",
    "uint64, UINT64",
    "int8, INT8",
    "int16, INT16",
    "int32, INT32",
    "int64, INT64",
    "fp16, FP16",
    "fp32, FP32",
    "fp64, FP64",
    "bf16, BF16",
    "bytes, BYTES",
  })
  void everyOipDatatypeIsRecognised(String model, Datatype datatype) {
    ModelSchema schema = inspector.inspect(ExampleModels.identity(model));

    assertThat(schema.inputs())
        .singleElement()
        .extracting(TensorSpec::datatype)
        .isEqualTo(datatype);
    assertThat(schema.outputs())
        .singleElement()
        .extracting(TensorSpec::datatype)
        .isEqualTo(datatype);
    assertThat(schema.inputs().get(0).shape()).first().isEqualTo(-1L);
  }

  @Test
  void filesOnnxRuntimeCannotLoadAreInvalidModelsWithItsReason() {
    for (Path broken : List.of(ExampleModels.corrupt(), ExampleModels.truncated())) {
      assertThatThrownBy(() -> inspector.inspect(broken))
          .as(broken.toString())
          .isInstanceOfSatisfying(
              PierException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MODEL);
                assertThat(e.getMessage()).startsWith("ONNX Runtime cannot load the model: ");
              });
    }
  }

  @Test
  void anEmptyFileIsNotAModel(@TempDir Path directory) throws IOException {
    Path empty = Files.createFile(directory.resolve("empty.onnx"));

    assertThatThrownBy(() -> inspector.inspect(empty))
        .isInstanceOfSatisfying(
            PierException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MODEL))
        .hasMessage("the file is empty");
  }
}
