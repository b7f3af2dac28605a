package dev.pier.controlplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The examples module's committed models. The build passes their directory as {@code
 * pier.examples.dir}; run from an IDE, the sibling {@code examples} directory is used.
 */
public final class ExampleModels {
  private ExampleModels() {}

  public static Path directory() {
    String configured = System.getProperty("pier.examples.dir");
    Path directory =
        configured != null ? Path.of(configured) : Path.of("..", "examples").toAbsolutePath();
    return directory.normalize();
  }

  public static Path iris() {
    return directory().resolve("models/iris/1/model.onnx");
  }

  public static Path penguins() {
    return directory().resolve("models/penguins/1/model.onnx");
  }

  public static Path carsMpg() {
    return directory().resolve("models/cars_mpg/1/model.onnx");
  }

  public static Path corrupt() {
    return directory().resolve("models-broken/corrupt/1/model.onnx");
  }

  public static Path truncated() {
    return directory().resolve("models-broken/truncated/1/model.onnx");
  }

  /** Loads, but fails every inference of iris-shaped ([batch, 4]) features: a failing version. */
  public static Path alwaysFails() {
    return directory().resolve("models-test/always_fails/1/model.onnx");
  }

  public static Path identity(String datatype) {
    return directory().resolve("models-test/identity_" + datatype + "/1/model.onnx");
  }

  public static byte[] bytes(Path model) {
    try {
      return Files.readAllBytes(model);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
