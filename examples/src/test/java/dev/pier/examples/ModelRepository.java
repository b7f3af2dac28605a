package dev.pier.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The repository the build wrote in process-classes, which is what other modules' tests load, so
 * these tests check the very files they get.
 */
final class ModelRepository {
  static final Path PATH = Path.of("target", "model-repository");

  private ModelRepository() {}

  static Path modelFile(String model) {
    Path file = PATH.resolve(model).resolve("1").resolve("model.onnx");
    assertThat(file)
        .as("the build writes it in process-classes: ./mvnw -pl examples process-classes")
        .isRegularFile();
    return file;
  }

  static OrtSession open(String model) throws OrtException {
    return OrtEnvironment.getEnvironment().createSession(modelFile(model).toString());
  }

  static List<String> metadataLabels(OrtSession session) throws OrtException {
    String labels = session.getMetadata().getCustomMetadata().get("pier.labels");
    assertThat(labels).as("pier.labels metadata").isNotNull();
    return stringArray(labels);
  }

  static List<String> configLabels(String model) throws IOException {
    try (JsonParser parser =
        new JsonFactory().createParser(PATH.resolve(model).resolve("config.json").toFile())) {
      assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      assertThat(parser.nextFieldName()).isEqualTo("labels");
      List<String> labels = strings(parser);
      assertThat(parser.nextToken())
          .as("only labels in config.json")
          .isEqualTo(JsonToken.END_OBJECT);
      return labels;
    }
  }

  static TensorInfo tensor(NodeInfo node) {
    return (TensorInfo) node.getInfo();
  }

  private static List<String> stringArray(String json) {
    try (JsonParser parser = new JsonFactory().createParser(json)) {
      return strings(parser);
    } catch (IOException e) {
      throw new AssertionError("pier.labels is not a JSON array of strings: " + json, e);
    }
  }

  private static List<String> strings(JsonParser parser) throws IOException {
    assertThat(parser.nextToken()).isEqualTo(JsonToken.START_ARRAY);
    List<String> values = new ArrayList<>();
    while (parser.nextToken() == JsonToken.VALUE_STRING) {
      values.add(parser.getText());
    }
    assertThat(parser.currentToken()).isEqualTo(JsonToken.END_ARRAY);
    return values;
  }
}
