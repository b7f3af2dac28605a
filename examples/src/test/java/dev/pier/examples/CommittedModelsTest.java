package dev.pier.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the committed repositories exactly what the generator writes, so they never drift from the
 * code and the data they are said to come from.
 */
class CommittedModelsTest {
  private static final String REGENERATE =
      "regenerate the committed models: ./mvnw -pl examples compile exec:java@committed";

  @Test
  void examplesMatchTheGenerator() throws IOException {
    assertRepositoryHolds(Path.of(ModelZoo.EXAMPLES_DIRECTORY), ModelZoo.examples());
  }

  @Test
  void testModelsMatchTheGenerator() throws IOException {
    assertRepositoryHolds(Path.of(ModelZoo.TEST_DIRECTORY), TestModels.loadable());
  }

  @Test
  void brokenModelsMatchTheGenerator() throws IOException {
    assertRepositoryHolds(Path.of(ModelZoo.BROKEN_DIRECTORY), TestModels.broken());
  }

  @Test
  void theBuildsRepositoryHoldsEveryCommittedLoadableModelAndTheMlp() throws IOException {
    Set<String> expected = new HashSet<>(directories(Path.of(ModelZoo.EXAMPLES_DIRECTORY)));
    expected.addAll(directories(Path.of(ModelZoo.TEST_DIRECTORY)));
    expected.add(MultiLayerPerceptron.NAME);

    assertThat(directories(ModelRepository.PATH)).containsAll(expected);
  }

  private static void assertRepositoryHolds(Path repository, List<GeneratedModel> models)
      throws IOException {
    assertThat(directories(repository))
        .as(REGENERATE)
        .containsExactlyInAnyOrderElementsOf(models.stream().map(GeneratedModel::name).toList());
    for (GeneratedModel model : models) {
      Path directory = repository.resolve(model.name());
      assertSameModel(
          model.name(), Files.readAllBytes(directory.resolve("1/model.onnx")), model.onnx());
      Path config = directory.resolve("config.json");
      if (model.labels().isEmpty()) {
        assertThat(config).as(REGENERATE).doesNotExist();
      } else {
        assertThat(config).as(REGENERATE).hasContent(Json.labelsConfig(model.labels()));
      }
    }
  }

  /**
   * Byte identity is what the generator gives on one machine. Trained weights go through Math.exp,
   * which may round differently in the last bit on another CPU or JDK, so a difference there is
   * accepted when the graphs are otherwise identical and every weight agrees closely.
   */
  private static void assertSameModel(String name, byte[] committed, byte[] generated)
      throws IOException {
    if (Arrays.equals(committed, generated)) {
      return;
    }
    OnnxMl.ModelProto actual = OnnxMl.ModelProto.parseFrom(committed);
    OnnxMl.ModelProto expected = OnnxMl.ModelProto.parseFrom(generated);
    assertThat(withoutWeights(actual))
        .as(name + ": " + REGENERATE)
        .isEqualTo(withoutWeights(expected));
    for (int index = 0; index < expected.getGraph().getInitializerCount(); index++) {
      assertThat(floats(actual.getGraph().getInitializer(index)))
          .as(name + " " + expected.getGraph().getInitializer(index).getName() + ": " + REGENERATE)
          .containsExactly(floats(expected.getGraph().getInitializer(index)), within(1e-4f));
    }
  }

  private static OnnxMl.ModelProto withoutWeights(OnnxMl.ModelProto model) {
    OnnxMl.ModelProto.Builder builder = model.toBuilder();
    builder
        .getGraphBuilder()
        .getInitializerBuilderList()
        .forEach(OnnxMl.TensorProto.Builder::clearRawData);
    return builder.build();
  }

  private static float[] floats(OnnxMl.TensorProto tensor) {
    ByteBuffer bytes = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[bytes.remaining() / Float.BYTES];
    bytes.asFloatBuffer().get(values);
    return values;
  }

  private static List<String> directories(Path repository) throws IOException {
    try (Stream<Path> children = Files.list(repository)) {
      return children
          .filter(Files::isDirectory)
          .map(child -> child.getFileName().toString())
          .toList();
    }
  }
}
